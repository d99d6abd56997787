/** Chinese texts of notifications: every one names the lead (code and title) and the acting unit. */

export const STAGE_LABEL: Record<string, string> = {
  LEAD: '线索',
  NEGOTIATING: '洽谈',
  SIGNED: '签约',
  LANDED: '落地',
  OPERATING: '投产',
  ON_HOLD: '搁置',
  LOST: '终止',
};

export const SCOPE_LABEL: Record<string, string> = {
  PRIVATE: '本单位',
  DISTRICT: '区县内共享',
  CITY: '全市共享',
  PUBLIC: '公开',
};

export interface LeadRef {
  code: string;
  title: string;
}

const ref = (l: LeadRef) => `「${l.title}」（${l.code}）`;
const label = (map: Record<string, string>, v: unknown) => map[String(v)] ?? String(v);

export interface Text {
  title: string;
  body: string;
}

export const texts = {
  shared: (l: LeadRef, actorUnit: string, scope: string, created: boolean): Text => ({
    title: `${created ? '新项目' : '项目共享'}：${l.code} ${l.title}`,
    body: created
      ? `${actorUnit}发布了新项目${ref(l)}，共享范围：${label(SCOPE_LABEL, scope)}。`
      : `${actorUnit}将项目${ref(l)}的共享范围调整为${label(SCOPE_LABEL, scope)}。`,
  }),
  stage: (l: LeadRef, actorUnit: string, from: unknown, to: unknown): Text => ({
    title: `项目${label(STAGE_LABEL, to)}：${l.code} ${l.title}`,
    body: `${actorUnit}将项目${ref(l)}的阶段由${label(STAGE_LABEL, from)}变更为${label(STAGE_LABEL, to)}。`,
  }),
  referred: (l: LeadRef, actorUnit: string, toUnit: string): Text => ({
    title: `项目流转：${l.code} ${l.title}`,
    body: `${actorUnit}向${toUnit}推荐了项目${ref(l)}，请及时接收或说明原因后退回。`,
  }),
  answered: (l: LeadRef, actorUnit: string, accepted: boolean): Text => ({
    title: `流转${accepted ? '已接收' : '被退回'}：${l.code} ${l.title}`,
    body: `${actorUnit}${accepted ? '接收了' : '退回了'}您单位推荐的项目${ref(l)}。`,
  }),
  withdrawn: (l: LeadRef, actorUnit: string): Text => ({
    title: `流转已撤回：${l.code} ${l.title}`,
    body: `${actorUnit}撤回了项目${ref(l)}的流转。`,
  }),
  assigned: (l: LeadRef, actorUnit: string, toUnit: string): Text => ({
    title: `项目交办：${l.code} ${l.title}`,
    body: `${actorUnit}将项目${ref(l)}交办给${toUnit}。`,
  }),
  conflictForCoordinator: (a: LeadRef, b: LeadRef, actorUnit: string, resolved: boolean): Text => ({
    title: `${resolved ? '冲突已协调' : '招商冲突待协调'}：${a.code}、${b.code}`,
    body: resolved
      ? `${actorUnit}已协调项目${ref(a)}与${ref(b)}的投资方冲突。`
      : `项目${ref(a)}与${ref(b)}疑为同一投资方（${actorUnit}保存项目时检测到），请协调。`,
  }),
  /** The owners learn of a conflict on their own lead, never the other lead's details. */
  conflictForOwner: (own: LeadRef, coordinator: string, actorUnit: string, resolved: boolean): Text => ({
    title: `${resolved ? '冲突已协调' : '投资方冲突'}：${own.code} ${own.title}`,
    body: resolved
      ? `${actorUnit}已协调您单位项目${ref(own)}的投资方冲突。`
      : `您单位的项目${ref(own)}与其他单位的项目疑为同一投资方，已提交${coordinator}协调。`,
  }),
  /** Followers outside the detail rule get no details (activities and referrals are detail). */
  followed: (l: LeadRef, actorUnit: string): Text => ({
    title: `关注的项目有新动态：${l.code} ${l.title}`,
    body: `${actorUnit}更新了您关注的项目${ref(l)}。`,
  }),
  landingSoon: (l: LeadRef, date: string): Text => ({
    title: `预计落地提醒：${l.code} ${l.title}`,
    body: `项目${ref(l)}预计于${date}落地，请跟进落地准备。`,
  }),
  stale: (l: LeadRef, days: number): Text => ({
    title: `跟进提醒：${l.code} ${l.title}`,
    body: `项目${ref(l)}已超过${days}天没有更新或跟进记录，请及时跟进。`,
  }),
  digest: (
    day: string,
    newLeads: LeadRef[],
    stageChanges: (LeadRef & { stage: string })[],
    referrals: LeadRef[],
  ): Text => {
    const lines: string[] = [];
    const list = (items: LeadRef[], more = (l: LeadRef) => ref(l)) =>
      items.slice(0, 10).map((l) => `  · ${more(l)}`).concat(items.length > 10 ? [`  · 等共 ${items.length} 个`] : []);
    if (newLeads.length) lines.push(`关注产业的新项目 ${newLeads.length} 个：`, ...list(newLeads));
    if (stageChanges.length) {
      lines.push(
        `辖区内阶段变更 ${stageChanges.length} 个：`,
        ...list(stageChanges, (l) => `${ref(l)} → ${label(STAGE_LABEL, (l as LeadRef & { stage: string }).stage)}`),
      );
    }
    if (referrals.length) lines.push(`待处理的流转 ${referrals.length} 个：`, ...list(referrals));
    return {
      title: `每日摘要（${day}）：新项目 ${newLeads.length}，阶段变更 ${stageChanges.length}，待处理流转 ${referrals.length}`,
      body: lines.length ? lines.join('\n') : '今日没有新的动态。',
    };
  },
};
