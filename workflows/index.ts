/** Every workflow the worker runs; the worker's `workflowsPath` points here. */
export { dataContainer } from './container/container-workflow';
export { containerWorkflowId } from '../contract/container';
export { chainRecovery, recoveryWorkflowId } from './recovery/recovery-workflow';
