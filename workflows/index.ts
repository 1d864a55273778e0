/** Every workflow the worker runs; the worker's `workflowsPath` points here. */
export { dataContainer, containerWorkflowId } from './container/container-workflow';
export { chainRecovery, recoveryWorkflowId } from './recovery/recovery-workflow';
