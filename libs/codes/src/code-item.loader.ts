import { Injectable } from '@nestjs/common';
import { type GqlContext, requestLoader, SettledLoader } from '@zs/common';
import { CodeItemRepository } from './code-item.repository';
import type { CodeItemEntity, CodeKind } from './code-item.entity';

export interface CodeKey {
  kind: CodeKind;
  code: string;
}

/** Batches code look-ups of one request into a single statement. */
@Injectable()
export class CodeItemLoader {
  constructor(private readonly codes: CodeItemRepository) {}

  forRequest(ctx: GqlContext): SettledLoader<CodeKey, CodeItemEntity | null, string> {
    return requestLoader(
      ctx,
      'codeItem',
      () =>
        new SettledLoader<CodeKey, CodeItemEntity | null, string>(
          async (keys) => {
            const rows = await this.codes.findByKeys([...keys]);
            const byKey = new Map(rows.map((r) => [`${r.kind}/${r.code}`, r]));
            return keys.map((k) => byKey.get(`${k.kind}/${k.code}`) ?? null);
          },
          { cacheKeyFn: (k) => `${k.kind}/${k.code}` },
        ),
    );
  }
}
