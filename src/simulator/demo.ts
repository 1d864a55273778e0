/**
 * Who the demo containers of `npm start` are on the simulator: one app, and per container alias a user whose
 * name follows from the alias. The start script creates them; `chainkeeper demo break` finds them the same
 * way, over the control API, without reading any state file.
 */

/** Client id of the simulator's demo app (Exact's are braced GUIDs; any text works for the simulator). */
export const DEMO_APP_ID = '{chainkeeper-demo}';

/** The demo containers of the embedded default; the last one has credentials, so it heals itself. */
export const DEMO_CONTAINERS = [
  { alias: 'demo-1', credentials: false },
  { alias: 'demo-2', credentials: false },
  { alias: 'demo-3', credentials: true },
] as const;

/** The simulator username of a demo container's Exact user. */
export function demoUsername(alias: string): string {
  return `${alias}@demo.example`;
}
