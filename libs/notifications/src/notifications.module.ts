import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CodeItemModule } from '@zs/codes';
import { IdentityModule } from '@zs/identity';
import { LeadsModule } from '@zs/leads';
import { OrgUnitModule } from '@zs/org';
import { NotificationEntity } from './notification.entity';
import { NotificationHub } from './notification-hub';
import { NotificationRepository } from './notification.repository';
import { LeadFollowResolver, NotificationPreferencesResolver, NotificationResolver } from './notification.resolver';
import { NotificationService } from './notification.service';

/** The api side: inbox, follows, preferences and the live subscriptions (needs the host's RedisModule). */
@Module({
  imports: [TypeOrmModule.forFeature([NotificationEntity]), LeadsModule, OrgUnitModule, IdentityModule, CodeItemModule],
  providers: [NotificationRepository, NotificationHub, NotificationService, NotificationResolver, LeadFollowResolver, NotificationPreferencesResolver],
  exports: [NotificationHub, NotificationService],
})
export class NotificationsModule {}
