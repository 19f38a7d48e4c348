/** The environment variable that carries a workflow's ARN: `KYC_STATE_MACHINE_ARN` for `kyc`. */
export function workflowArnVariable(workflow: string): string {
  return `${workflow.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}_STATE_MACHINE_ARN`;
}
