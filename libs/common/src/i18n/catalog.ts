import { requestContext } from '../logging/request-context';

export type Language = 'en' | 'zh';

/**
 * Chinese for every message the platform sends (English is the key). `{}` stands for a value the
 * message carries; a value that is itself in the catalog (e.g. `Lead`) is translated too.
 * test/i18n-catalog.e2e-spec.ts fails when a message thrown anywhere in libs/ or apps/ has no entry.
 */
export const ZH: Readonly<Record<string, string>> = {
  // matchmaking events (libs/matchmaking), targets (libs/targets), Excel (libs/excel)
  'must be json or xlsx': '必须是 json 或 xlsx',
  'no such active user': '没有这个在用的用户',
  'is not the unit of the user given with --as': '不是 --as 所指用户的单位',
  'cannot be read': '无法读取',
  'The export audit is for city administrators': '导出审计仅供市级管理员查看',
  'must be the JSON of a LeadFilter': '必须是 LeadFilter 的 JSON',
  'is not a LeadFilter field': '不是 LeadFilter 的字段',
  'must be a list of strings': '必须是字符串列表',
  'has an unknown stage': '含有未知的阶段',
  'has an unknown scope': '含有未知的共享范围',
  'must be a date-time': '必须是日期时间',
  'must be true or false': '必须是 true 或 false',
  'must be a decimal': '必须是数字',
  'is larger than 20 MB': '超过 20 MB',
  'is not a readable .xlsx spreadsheet': '不是可读取的 .xlsx 表格',
  'has no worksheet': '没有工作表',
  'has more than {} rows': '超过 {} 行',
  'is not a readable CSV file': '不是可读取的 CSV 文件',
  'must be an .xlsx or .csv file': '必须是 .xlsx 或 .csv 文件',
  "does not have the template's headers (missing: {}; unknown: {})": '表头与模板不符（缺少：{}；未知：{}）',
  'must be ALL_OR_NOTHING or VALID_ROWS': '必须是 ALL_OR_NOTHING 或 VALID_ROWS',
  'is required (multipart field "file")': '为必填项（multipart 字段 "file"）',
  'must be a whole number': '必须是整数',
  'must be PRIVATE, DISTRICT, CITY or PUBLIC': '必须是 PRIVATE、DISTRICT、CITY 或 PUBLIC',
  'Targets are set by managers of the unit or the tier above': '年度目标由本单位或上一级单位的管理者设定',
  'must be a whole number from 0 to 1000000': '必须是 0 到 1000000 之间的整数',
  'must be ≥ 0 with at most 2 decimals': '必须大于等于 0，最多两位小数',
  'must be {} to {} characters': '长度必须为 {} 到 {} 个字符',
  'Matchmaking event': '对接活动',
  'Matchmaking events are created by managers of the host unit or the units above it': '对接活动由主办单位或其上级单位的管理者创建',
  'Matchmaking events are changed by managers of the host unit or the units above it': '对接活动由主办单位或其上级单位的管理者修改',
  'Matchmaking events are for users of the platform': '对接活动仅供平台用户使用',
  'Leads are put on an event by those who may edit them or by the event managers': '线索由可编辑该线索的人员或活动管理者加入活动',
  'The event was changed by someone else; reload it and try again': '活动已被他人修改，请刷新后重试',
  'The event is closed': '活动已结束',
  'The lead is already on this event': '该线索已在此活动中',
  'The lead was signed at this event and stays on it': '该线索在此活动签约，不能移出',
  'Signings are recorded once the event is open': '活动开始后才能登记签约',
  'cannot be in the future': '不能晚于当前时间',
  'cannot be before the event starts': '不能早于活动开始时间',
  // needs and offers at an event (libs/matchmaking/src/needs-offers)
  'Event need or offer': '活动需求或供给',
  'Needs and offers are posted by the host or a participating unit of the event': '需求与供给由活动的主办单位或参加单位发布',
  'Needs and offers are posted by officers of the posting unit or managers above it': '需求与供给由发布单位的工作人员或其上级单位的管理者发布',
  'Needs and offers are answered by the host or a participating unit of the event': '需求与供给由活动的主办单位或参加单位响应',
  'Needs and offers are answered by officers of the answering unit or managers above it': '需求与供给由响应单位的工作人员或其上级单位的管理者响应',
  'Needs and offers are withdrawn by officers of the posting unit or managers above it': '需求与供给由发布单位的工作人员或其上级单位的管理者撤回',
  'only an OFFER names a lead': '只有供给（OFFER）可以关联线索',
  'no such lead': '没有这个线索',
  'is not a lead you may refer': '不是您可以流转的线索',
  'is not owned by the posting unit or a unit below it': '不属于发布单位或其下级单位',
  'The posting is already {}': '该发布已是{}状态',
  'an offer is answered with the lead it names': '响应供给时使用其所关联的线索',
  'The offer names no lead to refer': '该供给没有关联可流转的线索',
  'a need is answered to the unit that posted it': '需求只能响应给发布它的单位',
  'is required to answer a need': '响应需求时为必填项',
  'A unit does not answer its own posting': '单位不能响应自己的发布',
  'The offering unit no longer owns the lead': '发布供给的单位已不再拥有该线索',
  'must not be before startsAt': '不能早于开始时间',
  'at most {} parties': '最多 {} 个外部单位',
  'at most {} units': '最多 {} 个单位',
  // nouns of EntityNotFoundException
  '{} not found': '{}不存在',
  Lead: '线索',
  'Org unit': '组织单位',
  User: '用户',
  Code: '代码项',
  Referral: '转介',
  Conflict: '冲突',
  'Active API client': '有效的 API 客户端',
  // authentication and authorization
  'Authentication required': '需要登录',
  'Not allowed': '无权操作',
  'Invalid username or password': '用户名或密码错误',
  'Invalid or expired token': '令牌无效或已过期',
  'Invalid or revoked API key': 'API 密钥无效或已吊销',
  'Malformed Authorization header': 'Authorization 请求头格式错误',
  'API key rate limit exceeded': 'API 密钥超出调用频率限制',
  'Too many investor look-ups (creating leads or changing their investor); try again later': '投资方查询（新建线索或修改投资方）过于频繁，请稍后再试',
  'Too many failed logins; try again later': '登录失败次数过多，请稍后再试',
  'This API key may only read': '此 API 密钥只能读取',
  'Only users have a password': '只有用户有密码',
  'Only users log out; API keys are revoked by an operator': '只有用户可以退出登录；API 密钥由运维人员吊销',
  'Only administrators manage the organisation': '只有管理员可以管理组织',
  'Only city administrators manage code tables': '只有市级管理员可以管理代码表',
  'The unit is outside your part of the organisation': '该单位不在您的组织范围内',
  // leads
  'Viewers cannot create leads': '查看者不能创建线索',
  'You may not change this lead': '您不能更改此线索',
  'You may not edit this lead': '您不能编辑此线索',
  'You may not record activities on this lead': '您不能为此线索记录活动',
  'You may not share this lead': '您不能共享此线索',
  'Only managers of the owning units may narrow how a lead is shared': '只有所属单位的管理者可以收窄线索的共享范围',
  'Only the owning units refer a lead': '只有所属单位可以转介线索',
  'Leads are assigned by managers of a district or the city': '线索由区级或市级管理者分派',
  'Moving a lead backwards or reopening it is for managers of the owning units': '只有所属单位的管理者可以回退或重新打开线索',
  'Conflicts are resolved by managers of the coordinating unit': '冲突由协调单位的管理者处理',
  'Referrals are answered by officers of the receiving unit or managers above it': '转介由接收单位的人员或其上级管理者答复',
  'The conflict is already resolved': '该冲突已处理',
  'The lead is already assigned to this unit': '该线索已分派给此单位',
  'The lead was changed by someone else; reload it and try again': '该线索已被他人修改，请刷新后重试',
  'The referral is already {}': '该转介已是{}状态',
  'the unit already owns the lead': '该单位已拥有此线索',
  'a lead needs an investment amount before it is SIGNED': '线索签约（SIGNED）前需要填写投资额',
  'is required to mark a lead LOST': '将线索标记为流失（LOST）时必填',
  'a reason is required to decline': '拒绝时必须填写理由',
  'must be a zone among the owner and assigned units': '必须是所属单位和分派单位中的园区',
  'must be a unit below yours': '必须是您下级的单位',
  'must contain more than a legal-form suffix': '不能只包含企业组织形式后缀',
  'at most 20 contacts': '联系人最多 20 个',
  'at most 50 participants': '参与人最多 50 个',
  'at most 7 modes': '方式最多 7 个',
  // organisation
  'The unit still has active child units': '该单位仍有在用的下级单位',
  'The unit still has active users': '该单位仍有在用的用户',
  'a CITY unit has no parent': '市级单位没有上级',
  'a {} unit needs a parent': '{}单位需要上级单位',
  'a {} cannot be placed under a {}': '{}不能置于{}之下',
  'a {} has at most {} leading industries': '{}最多有 {} 个主导产业',
  'a unit cannot move under itself or its own descendant (cycle)': '单位不能移到自身或其下级之下（形成环）',
  'the parent unit is inactive': '上级单位已停用',
  'the parent unit is inactive; activate it first': '上级单位已停用，请先启用',
  'the unit is inactive': '该单位已停用',
  'there is already a CITY unit; there is only one': '已有市级单位，只能有一个',
  'no such active unit': '没有这个在用的单位',
  'no such unit': '没有这个单位',
  'no unit with code {}': '没有代码为 {} 的单位',
  'A unit with this code already exists': '已存在此代码的单位',
  'Already exists': '已存在',
  // field rules
  'cannot be null': '不能为空',
  'contains control characters': '含有控制字符',
  'is not a valid cursor': '不是有效的游标',
  'is not a valid id': '不是有效的 ID',
  'is required': '必填',
  'is not an active {} code': '不是在用的{}代码',
  'must be 1 to 100 characters': '长度必须为 1 到 100 个字符',
  'must be 1 to 200 characters': '长度必须为 1 到 200 个字符',
  'must be 1 to 2000 characters': '长度必须为 1 到 2000 个字符',
  'must be 1 to 50 characters': '长度必须为 1 到 50 个字符',
  'must be 10 to 200 characters': '长度必须为 10 到 200 个字符',
  'must be 2 to 100 characters': '长度必须为 2 到 100 个字符',
  'must be at most 100 characters': '最多 100 个字符',
  'must be at most 2000 characters': '最多 2000 个字符',
  'must be 1 to 100000 per minute': '必须为每分钟 1 到 100000 次',
  'must be 2-32 letters, digits, - or _': '必须为 2-32 个字母、数字、- 或 _',
  'must be 2-40 upper-case letters, digits or underscores, starting with a letter': '必须为 2-40 个大写字母、数字或下划线，并以字母开头',
  'must be 3-64 letters, digits, . _ or -, starting with a letter or digit': '必须为 3-64 个字母、数字、. _ 或 -，并以字母或数字开头',
  'must be a date YYYY-MM-DD between 2000 and 2100': '必须是 2000 至 2100 年之间的日期（YYYY-MM-DD）',
  'must be a string': '必须是字符串',
  'must be a time between 2000 and one year from now': '必须是 2000 年至一年后之间的时间',
  'must be between 2000 and 2100': '必须在 2000 至 2100 年之间',
  'must be a whole number from 0 to 10000000': '必须是 0 到 10000000 的整数',
  'must be between 1 and {}': '必须在 1 到 {} 之间',
  'must be one of {}': '必须是以下之一：{}',
  'unknown scope {}; known: {}': '未知的权限范围 {}；可用：{}',
  'must be a number ≥ 0 with at most 2 decimals and {} integer digits': '必须是不小于 0 的数，最多 2 位小数、{} 位整数',
  // the input boundary (messages.ts)
  'must not contain the NUL character (U+0000)': '不能包含 NUL 字符（U+0000）',
  'must be well-formed Unicode (contains a lone surrogate)': '必须是合法的 Unicode（含有孤立的代理项）',
  'subscriptions are not supported': '不支持订阅（subscription）操作',
  'must be an ISO 8601 date-time between years 1 and 9999, e.g. "2025-01-31T08:00:00Z"': '必须是 1 至 9999 年之间的 ISO 8601 日期时间，例如 "2025-01-31T08:00:00Z"',
  'must be an object of type {}': '必须是 {} 类型的对象',
  'is not a field of {}': '不是 {} 的字段',
  'is not a value of the enum {}': '不是枚举 {} 的取值',
  'is not a valid {}': '不是有效的 {}',
  'Decimal must be a string such as "1250.50"': 'Decimal 必须是字符串，例如 "1250.50"',
  'Internal server error': '服务器内部错误',
  // input boundary, identity administration, referrals, search
  'must not contain an unpaired UTF-16 surrogate': '不能包含孤立的 UTF-16 代理项',
  'must be an ISO 8601 date-time string such as 2026-01-31T08:00:00Z': '必须是 ISO 8601 日期时间字符串，例如 2026-01-31T08:00:00Z',
  'must be an ISO 8601 date-time string': '必须是 ISO 8601 日期时间字符串',
  'is not a valid date-time': '不是有效的日期时间',
  'must be between the years 0001 and 9999': '年份必须在 0001 到 9999 之间',
  'subscription operations are not served over HTTP': 'HTTP 不提供订阅（subscription）操作',
  'API key': 'API 密钥',
  'give unitId or unitCode': '请提供 unitId 或 unitCode',
  'give unitId or unitCode, not both': '请提供 unitId 或 unitCode，不能同时提供',
  'The server is busy checking passwords; try again in a moment': '服务器正忙于校验密码，请稍后再试',
  'Only administrators and managers manage users': '只有管理员和管理者可以管理用户',
  'Only administrators manage API keys': '只有管理员可以管理 API 密钥',
  'You cannot grant the role {}': '您不能授予角色 {}',
  'You cannot change your own account this way': '不能以这种方式更改自己的账号',
  'The user has a higher role than yours': '该用户的角色高于您',
  'Referrals are withdrawn by officers of the referring unit or managers above it': '转介由转出单位的人员或其上级管理者撤回',
  'must be at most {} characters': '最多 {} 个字符',
  'must not contain control characters': '不能包含控制字符',
  'must contain at least one letter, digit or Chinese character': '必须至少包含一个字母、数字或汉字',
  'must be 0 or more': '必须大于或等于 0',
  'offset + first must be at most {}; page further with leads(after:)': 'offset + first 最多为 {}；更多结果请用 leads(after:) 翻页',
  // partner webhooks (libs/webhooks)
  Webhook: 'Webhook',
  'Webhook delivery': 'Webhook 投递记录',
  'Only API clients and administrators manage webhooks': '只有 API 客户端和管理员可以管理 Webhook',
  'An API client has at most {} webhooks': '每个 API 客户端最多 {} 个 Webhook',
  'give at least one event type': '请至少选择一种事件类型',
  'unknown event type': '未知的事件类型',
  'no such API client': 'API 客户端不存在',
  'give the API client the webhook is for': '请指定该 Webhook 所属的 API 客户端',
  'must be an absolute http or https URL': '必须是完整的 http 或 https 地址',
  'must not contain credentials': '不能包含用户名或密码',
  'must not contain a fragment': '不能包含片段（#）',
  'the host {} does not resolve': '主机 {} 无法解析',
  'the host {} resolves to {}, a loopback, private or link-local address (an admin may allow the host in WEBHOOK_ALLOWED_HOSTS)':
    '主机 {} 解析到 {}，这是回环、私有或链路本地地址（管理员可在 WEBHOOK_ALLOWED_HOSTS 中放行该主机）',
  // notifications
  Notification: '通知',
  'Notifications are for users; partners subscribe with webhooks': '通知仅面向用户；合作方请订阅 Webhook',
  'at most {} ids': '最多 {} 个 id',
  'at most 20 industry codes': '最多 20 个产业代码',
  'is not a valid e-mail address': '不是有效的电子邮件地址',
  'queries and mutations are served over HTTP': '查询和变更请通过 HTTP 发送',
};

interface Template {
  pattern: RegExp;
  zh: string;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const TEMPLATES: Template[] = Object.entries(ZH)
  .filter(([en]) => en.includes('{}'))
  .map(([en, zh]) => ({ pattern: new RegExp(`^${en.split('{}').map(escape).join('(.+?)')}$`, 's'), zh }));

/** The message in `language`; a message the catalog does not know stays as it is. */
export function translate(message: string, language: Language): string {
  if (language === 'en') return message;
  const exact = ZH[message];
  if (exact !== undefined) return exact;
  for (const t of TEMPLATES) {
    const m = t.pattern.exec(message);
    if (!m) continue;
    let i = 1;
    return t.zh.replace(/\{\}/g, () => {
      const value = m[i++] ?? '';
      return ZH[value] ?? value;
    });
  }
  return message;
}

/** The language an Accept-Language header prefers among those we speak (English by default). */
export function preferredLanguage(acceptLanguage: string | undefined): Language {
  let best: { lang: Language; q: number } = { lang: 'en', q: 0 };
  for (const part of (acceptLanguage ?? '').split(',')) {
    const [tag, ...params] = part.trim().toLowerCase().split(';');
    const q = Number(params.map((p) => p.trim()).find((p) => p.startsWith('q='))?.slice(2) ?? 1);
    const lang: Language | undefined = tag.startsWith('zh') ? 'zh' : tag.startsWith('en') || tag === '*' ? 'en' : undefined;
    if (lang && Number.isFinite(q) && q > best.q) best = { lang, q };
  }
  return best.lang;
}

/** The language of the request being served (set by the request-id middleware). */
export function currentLanguage(): Language {
  return requestContext.getStore()?.language ?? 'en';
}
