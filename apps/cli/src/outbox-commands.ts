import { OutboxRelayRepository } from '@zs/outbox';
import { type Command, UsageError } from './commands';

const ID = /^[1-9][0-9]{0,18}$/;

function text(v: string | boolean | undefined): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/** Dead letters of the outbox, per consumer: list and replay. */
export const OUTBOX_COMMANDS: Record<string, Command> = {
  'outbox:dead': {
    usage: 'outbox:dead [--consumer NAME] [--limit N]',
    async run(app, args) {
      const limitRaw = text(args.limit);
      const limit = limitRaw === undefined ? 100 : Number(limitRaw);
      if (!Number.isInteger(limit) || limit < 1 || limit > 10000) throw new UsageError('--limit must be 1 to 10000');
      const dead = await app.get(OutboxRelayRepository).listDead({ consumer: text(args.consumer), limit });
      if (dead.length === 0) return 'No dead letters';
      const lines = dead.map((d) =>
        [
          `${d.consumer}\t#${d.id}\t${d.type}\tlead ${d.leadId ?? '-'}\tevent ${d.eventId}`,
          `\tdead since ${new Date(d.deadAt).toISOString()} after ${d.attempts} attempt(s): ${(d.lastError ?? '').slice(0, 300)}`,
        ].join('\n'),
      );
      return [`${dead.length} dead letter(s)${dead.length === limit ? ' (limit reached)' : ''}:`, ...lines].join('\n');
    },
  },
  'outbox:replay': {
    usage: 'outbox:replay [--id ID[,ID…]] [--consumer NAME]',
    async run(app, args) {
      const idsRaw = text(args.id);
      const ids = idsRaw?.split(',').map((s) => s.trim().replace(/^#/, ''));
      if (args.id !== undefined && (!ids || ids.some((id) => !ID.test(id)))) {
        throw new UsageError('--id takes outbox ids as listed by outbox:dead, e.g. --id 42 or --id 42,43');
      }
      const requeued = await app.get(OutboxRelayRepository).requeueDead({ ids, consumer: text(args.consumer) });
      if (requeued.length === 0) return ids ? `No dead letter with id ${ids.join(', ')}` : 'No dead letters';
      return [
        `Replaying ${requeued.length} dead letter(s); the worker delivers them at its next sweep:`,
        ...requeued.map((r) => `  ${r.consumer}\t#${r.id}`),
      ].join('\n');
    },
  },
  'outbox:retire': {
    usage: 'outbox:retire --consumer NAME',
    async run(app, args) {
      const consumer = text(args.consumer);
      if (!consumer) throw new UsageError('--consumer is required');
      const closed = await app.get(OutboxRelayRepository).retireConsumer(consumer);
      return `Retired outbox consumer ${consumer}; closed ${closed} open deliver${closed === 1 ? 'y' : 'ies'}`;
    },
  },
};
