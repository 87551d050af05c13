/**
 * The permission sets (权限集, funcscope_category ids) a merchant must grant the platform before it
 * may call an API on the merchant's behalf; without one WeChat answers 61007. WeChat's pages name
 * 3 and 18 for the QR-code jump API (3 for service accounts, 18 on some Mini Program pages), 46 for
 * market codes and 49 (older pages: 49 or 64) for CloudBase. Where the pages disagree, any of the
 * listed sets is taken as enough. One table for the error hints and the emulator.
 */
export interface PermissionRequirement {
  /** API paths starting with this need one of `sets`. */
  prefix: string;
  sets: readonly number[];
  /** What the capability is called, for hints. */
  capability: string;
}

export const PERMISSION_REQUIREMENTS: readonly PermissionRequirement[] = [
  { prefix: 'cgi-bin/wxopen/qrcodejump', sets: [3, 18], capability: 'QR-code jump rules' },
  { prefix: 'intp/marketcode/', sets: [46], capability: 'market codes (一物一码)' },
  { prefix: 'tcb/', sets: [49, 64], capability: 'CloudBase files' },
  { prefix: 'componenttcb/', sets: [49, 64], capability: 'CloudBase static hosting' },
];

export function permissionRequirementOf(api: string): PermissionRequirement | undefined {
  return PERMISSION_REQUIREMENTS.find((requirement) => api.startsWith(requirement.prefix));
}

/** "3 or 18" */
export function describeSets(sets: readonly number[]): string {
  return sets.length === 1 ? String(sets[0]) : `${sets.slice(0, -1).join(', ')} or ${String(sets[sets.length - 1])}`;
}
