import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { type Actor, CurrentActor } from '@zs/common';
import { CodeKind } from './code-item.entity';
import { CodeItemModel } from './code-item.model';
import { CodeItemService } from './code-item.service';
import { CreateCodeItemInput, UpdateCodeItemInput } from './dto/code-item.input';

@Resolver(() => CodeItemModel)
export class CodeItemResolver {
  constructor(private readonly codeItems: CodeItemService) {}

  @Query(() => [CodeItemModel], { description: 'A code table; inactive items only when asked for' })
  codes(
    @CurrentActor() _actor: Actor,
    @Args('kind', { type: () => CodeKind }) kind: CodeKind,
    @Args('includeInactive', { type: () => Boolean, defaultValue: false }) includeInactive: boolean,
  ): Promise<CodeItemModel[]> {
    return this.codeItems.list(kind, includeInactive);
  }

  @Mutation(() => CodeItemModel)
  createCodeItem(@CurrentActor() actor: Actor, @Args('input') input: CreateCodeItemInput): Promise<CodeItemModel> {
    return this.codeItems.create(actor, input);
  }

  @Mutation(() => CodeItemModel, { description: 'Rename or (de)activate a code' })
  updateCodeItem(@CurrentActor() actor: Actor, @Args('input') input: UpdateCodeItemInput): Promise<CodeItemModel> {
    return this.codeItems.update(actor, input);
  }
}
