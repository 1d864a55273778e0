/**
 * The control API under `/_sim/` (JSON in, JSON out): the same operations as {@link SimulatorControl}, for
 * tests and tools in another process. Bad input gets 400 with what was wrong.
 */
import { type Answer, jsonAnswer } from './answer';
import type { SimulatorControl } from './control';
import { SimulatorInputError } from './input-error';

export interface ControlRequest {
  method: string;
  path: string;
  contentType: string | undefined;
  body: string;
}

type Operation = (control: SimulatorControl, input: unknown) => { status: number; value: unknown };

const done = { ok: true };

/** `METHOD path` → operation. Inputs are validated by the control object itself. */
const operations: Record<string, Operation> = {
  'POST /_sim/apps': (control, input) => ({ status: 201, value: control.addApp(input as never) }),
  'POST /_sim/users': (control, input) => ({ status: 201, value: control.addUser(input as never) }),
  'POST /_sim/authorize': (control, input) => ({ status: 200, value: control.authorize(input as never) }),
  'POST /_sim/chains/break': (control, input) => {
    control.breakChain(input as never);
    return { status: 200, value: done };
  },
  'POST /_sim/clock': (control, input) => ({ status: 200, value: control.setClock(input as never) }),
  'GET /_sim/counters': (control) => ({ status: 200, value: control.counters() }),
  'POST /_sim/reset-counters': (control) => {
    control.resetCounters();
    return { status: 200, value: done };
  },
  'GET /_sim/faults': (control) => ({ status: 200, value: control.listFaults() }),
  'POST /_sim/faults': (control, input) => ({ status: 201, value: control.addFault(input as never) }),
  'DELETE /_sim/faults': (control) => {
    control.clearFaults();
    return { status: 200, value: done };
  },
  'GET /_sim/login-site': (control) => ({ status: 200, value: control.loginSite() }),
  'POST /_sim/login-site': (control, input) => ({ status: 200, value: control.setLoginSite(input as never) }),
  'GET /_sim/login-faults': (control) => ({ status: 200, value: control.listLoginFaults() }),
  'POST /_sim/login-faults': (control, input) => ({ status: 201, value: control.addLoginFault(input as never) }),
  'DELETE /_sim/login-faults': (control) => {
    control.clearLoginFaults();
    return { status: 200, value: done };
  },
  'POST /_sim/users/lock': (control, input) => {
    control.lockUser(input as never);
    return { status: 200, value: done };
  },
  'POST /_sim/clock-offset': (control, input) => ({ status: 200, value: control.setClockOffset(input as never) }),
};

export function answerControlRequest(control: SimulatorControl, request: ControlRequest): Answer {
  const operation = operations[`${request.method} ${request.path}`];
  if (!operation) {
    const known = Object.keys(operations).some((key) => key.endsWith(` ${request.path}`));
    return known
      ? jsonAnswer(405, { error: `${request.method} is not allowed on ${request.path}` })
      : jsonAnswer(404, { error: `no control operation at ${request.path}`, operations: Object.keys(operations) });
  }
  let input: unknown = undefined;
  if (request.method === 'POST' && request.body.trim() !== '') {
    if (!request.contentType?.toLowerCase().startsWith('application/json')) {
      return jsonAnswer(400, { error: 'send the control request as JSON (Content-Type: application/json)' });
    }
    try {
      input = JSON.parse(request.body);
    } catch {
      return jsonAnswer(400, { error: 'the request body is not valid JSON' });
    }
  }
  try {
    const { status, value } = operation(control, input ?? {});
    return jsonAnswer(status, value);
  } catch (error) {
    if (error instanceof SimulatorInputError) return jsonAnswer(error.status, { error: error.message });
    throw error;
  }
}
