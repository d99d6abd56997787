import { Module } from '@nestjs/common';
import { EnumLabelsResolver } from './enum-labels.resolver';

@Module({ providers: [EnumLabelsResolver] })
export class LabelsModule {}
