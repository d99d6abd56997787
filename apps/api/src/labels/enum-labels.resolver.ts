import { Args, Query, Resolver } from '@nestjs/graphql';
import { Public, currentLanguage } from '@zs/common';
import { EnumLabelModel, LabeledEnum } from './enum-label.model';
import { ENUM_LABELS } from './enum-labels';

@Resolver()
export class EnumLabelsResolver {
  @Public()
  @Query(() => [EnumLabelModel], { description: 'Chinese and English labels of the values of stages, roles or API scopes' })
  enumLabels(@Args('enum', { type: () => LabeledEnum }) which: LabeledEnum): EnumLabelModel[] {
    const zh = currentLanguage() === 'zh';
    return Object.entries(ENUM_LABELS[which]).map(([value, l]) => ({ value, en: l.en, zh: l.zh, label: zh ? l.zh : l.en }));
  }
}
