/** Bad input to the simulator's control surface (HTTP or in-process); the message says what was wrong. */
export class SimulatorInputError extends Error {
  override readonly name = 'SimulatorInputError';

  constructor(
    message: string,
    /** HTTP status the control API answers with: 400 for bad input, 409 when the simulator cannot do it. */
    readonly status: 400 | 409 = 400,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
