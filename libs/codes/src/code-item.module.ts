import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CodeItemEntity } from './code-item.entity';
import { CodeItemLoader } from './code-item.loader';
import { CodeItemRepository } from './code-item.repository';
import { CodeItemResolver } from './code-item.resolver';
import { CodeItemService } from './code-item.service';

@Module({
  imports: [TypeOrmModule.forFeature([CodeItemEntity])],
  providers: [CodeItemRepository, CodeItemService, CodeItemLoader, CodeItemResolver],
  exports: [CodeItemService, CodeItemLoader],
})
export class CodeItemModule {}
