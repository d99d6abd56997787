import { type Actor, ApiScope, AccessDeniedException, hasScope } from '@zs/common';

/**
 * The one check that an API key may write leads (`leads:write`); every write path of libs/leads calls
 * it after the lead is found, so a read-only key learns no more than a reader. Users pass: their
 * rights come from role and unit (lead-visibility.ts).
 */
export function requireLeadsWrite(actor: Actor): void {
  if (!hasScope(actor, ApiScope.LeadsWrite)) throw new AccessDeniedException('This API key may only read');
}
