import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { UnrecoverableError, type Job } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '@zs/config';
import { JobName, type JobPayloads, QueueFactory, QueueName, jobNameIn } from '@zs/queue';
import { SearchIndexService } from './search-index.service';

/** Fixed id: however many workers keep it, the schedule exists once in Redis. */
export const SEARCH_RECONCILE_SCHEDULER = 'search.reconcile.repeat';

/**
 * The repeatable reconcile (every MEILI_RECONCILE_INTERVAL, default 1 h): the safety net behind the
 * indexing consumer for whatever no event announces (an org unit moving changes the audience of
 * every lead below it) and for a lost index. Registered only when MEILI_URL is set.
 */
@Injectable()
export class SearchReconcileProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger('SearchReconcile');

  constructor(
    private readonly queues: QueueFactory,
    private readonly index: SearchIndexService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.queues.worker(QueueName.Search, (job) => this.process(job));
    await this.queues.schedule({
      queue: QueueName.Search,
      id: SEARCH_RECONCILE_SCHEDULER,
      // First run one interval from now: restarting workers must not each trigger a full comparison.
      repeat: { every: this.config.meili.reconcileIntervalMs, startDate: Date.now() + this.config.meili.reconcileIntervalMs },
      job: {
        name: JobName.SearchReconcile,
        data: { reason: 'schedule' } satisfies JobPayloads[JobName.SearchReconcile],
        // The next run is the retry.
        opts: { attempts: 1, removeOnComplete: true, removeOnFail: { count: 100 } },
      },
    });
  }

  async process(job: Job): Promise<unknown> {
    const name = job.name;
    if (!jobNameIn(name, [JobName.SearchReconcile] as const)) {
      throw new UnrecoverableError(`job ${name} does not belong on the ${QueueName.Search} queue`);
    }
    switch (name) {
      case JobName.SearchReconcile: {
        const result = await this.index.reconcile();
        this.logger.log({ msg: 'search index reconciled', ...result });
        return result;
      }
      default: {
        const unknown: never = name;
        throw new UnrecoverableError(`no handler for job ${String(unknown)}`);
      }
    }
  }
}
