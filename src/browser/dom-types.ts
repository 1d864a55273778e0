/**
 * The DOM as the page reading sees it: only what it uses, so it type-checks without the DOM library, and so
 * Chromium's document and jsdom's both fit.
 */

export interface DomNode {
  readonly nodeType: number;
  readonly childNodes: ArrayLike<DomNode>;
  readonly data?: string;
}

/** The part of an Element the reading uses. */
export interface DomElement extends DomNode {
  readonly tagName: string;
  readonly id: string;
  readonly parentElement: DomElement | null;
  readonly labels?: ArrayLike<{ readonly textContent: string | null }> | null;
  readonly form?: DomElement | null;
  readonly value?: string;
  getAttribute(name: string): string | null;
  hasAttribute(name: string): boolean;
  setAttribute(name: string, value: string): void;
  removeAttribute(name: string): void;
  closest(selector: string): DomElement | null;
  matches(selector: string): boolean;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
  checkVisibility?(options?: { visibilityProperty?: boolean }): boolean;
}

/** The part of a Document the reading uses. */
export interface DomDocument {
  readonly readyState: string;
  readonly title: string;
  readonly body: DomElement | null;
  readonly defaultView:
    ({ getComputedStyle(element: DomElement): { display: string; visibility: string } } & object) | null;
  getElementById(id: string): { readonly textContent: string | null } | null;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
}
