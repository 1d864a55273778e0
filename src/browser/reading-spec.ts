/** Turns a login's reading plan into the plain-data spec every page reading gets. */
import { randomBytes } from 'node:crypto';
import { DOCUMENT_MARKER, REF_ATTRIBUTE } from './dom-reading';
import { PAGE_WORDS } from './page-words';
import type { ReadingPlan } from './profiles';
import type { ReadingSpec } from './reading-types';

/** The spec for one login; its ref prefix is fresh, so no page can carry a ref before this login set it. */
export function readingSpec(plan: ReadingPlan): ReadingSpec {
  return {
    profiles: plan.profiles.map((profile) => ({
      name: profile.name,
      steps: profile.steps.map((step) => ({
        step: step.step,
        present: [...step.recognise.present],
        absent: [...(step.recognise.absent ?? [])],
        fields: step.fields.map((field) => ({ selector: field.selector, value: field.value })),
        submit: step.submit,
        errorAreas: [...step.errorAreas],
      })),
    })),
    byMeaning: plan.byMeaning,
    words: { ...PAGE_WORDS },
    refPrefix: `ck${randomBytes(6).toString('hex')}`,
    refAttribute: REF_ATTRIBUTE,
    marker: DOCUMENT_MARKER,
  };
}
