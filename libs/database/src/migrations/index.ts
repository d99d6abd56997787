import { Initial1764300000000 } from './1764300000000-initial';
import { CodeTables1764300001000 } from './1764300001000-code-tables';
import { Leads1764300002000 } from './1764300002000-leads';
import { UserTokenVersion1764300005000 } from './1764300005000-user-token-version';
import { ApiClientNameActive1764300005100 } from './1764300005100-api-client-name-active';
import { OutboxAttempts1764300006000 } from './1764300006000-outbox-attempts';
import { UsernameCanonical1764420000000 } from './1764420000000-username-canonical';
import { HistoryConflict1764440000000 } from './1764440000000-history-conflict';
import { LeadSearch1764460000000 } from './1764460000000-lead-search';
import { OutboxDeliveries1764470000000 } from './1764470000000-outbox-deliveries';
import { LeadSearchWords1764810000000 } from './1764810000000-lead-search-words';
import { ConflictCases1764800000000 } from './1764800000000-conflict-cases';
import { Notifications1764820000000 } from './1764820000000-notifications';
import { Webhooks1764830000000 } from './1764830000000-webhooks';
import { LeadVisibilityIndex1764840000000 } from './1764840000000-lead-visibility-index';
import { MatchmakingTargets1764850000000 } from './1764850000000-matchmaking-targets';
import { LeadImportRef1764850001000 } from './1764850001000-lead-import-ref';
import { SearchPostings1764873000000 } from './1764873000000-search-postings';
import { EventNeedOffer1764880000000 } from './1764880000000-event-need-offer';

/** Every migration in order; the CLI, the starter and the tests all run this list. */
export const MIGRATIONS = [
  Initial1764300000000,
  CodeTables1764300001000,
  Leads1764300002000,
  UserTokenVersion1764300005000,
  ApiClientNameActive1764300005100,
  OutboxAttempts1764300006000,
  UsernameCanonical1764420000000,
  HistoryConflict1764440000000,
  LeadSearch1764460000000,
  OutboxDeliveries1764470000000,
  ConflictCases1764800000000,
  LeadSearchWords1764810000000,
  Notifications1764820000000,
  Webhooks1764830000000,
  LeadVisibilityIndex1764840000000,
  MatchmakingTargets1764850000000,
  LeadImportRef1764850001000,
  SearchPostings1764873000000,
  EventNeedOffer1764880000000,
];
