// The console's own words in Chinese (default) and English; the api localizes its messages itself
// from the Accept-Language header the client sends (data/client.ts).
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';

export type Lang = 'zh' | 'en';

const zh = {
  appName: '招商项目信息平台',
  login: '登录',
  logout: '退出登录',
  username: '用户名',
  password: '密码',
  required: '必填',
  language: 'English',
  workbench: '工作台',
  search: '项目检索',
  newLead: '登记项目',
  leadDetail: '项目详情',
  editLead: '编辑项目',
  referrals: '项目流转',
  notifications: '消息通知',
  statistics: '统计分析',
  admin: '系统管理',
  excel: 'Excel 导入导出',
  notFound: '页面不存在',
  backHome: '返回工作台',
  todoPage: '此页面尚在建设中（TODO）。',
  somethingWrong: '页面出错了',
  reload: '重新加载',
  loading: '加载中…',
  networkError: '无法连接服务器，请检查网络后重试。',
  sessionExpired: '登录已失效，请重新登录。',
  forbidden: '您没有执行此操作的权限。',
  notFoundError: '记录不存在或您无权查看。',
  conflictError: '数据已被他人修改，请刷新后重试。',
  rateLimited: '操作过于频繁，请稍后再试。',
  unavailable: '服务暂时不可用，请稍后再试。',
  internalError: '服务器内部错误，请稍后再试。',
  badInput: '提交的内容有误，请检查标红的字段。',
  role: '角色',
  unit: '单位',
  ROLE_ADMIN: '管理员',
  ROLE_MANAGER: '负责人',
  ROLE_OFFICER: '招商专员',
  ROLE_VIEWER: '只读用户',
  TIER_CITY: '市级',
  TIER_DISTRICT: '区县',
  TIER_ZONE: '园区',
};

export type MessageKey = keyof typeof zh;

const en: Record<MessageKey, string> = {
  appName: 'Investment Project Platform',
  login: 'Log in',
  logout: 'Log out',
  username: 'Username',
  password: 'Password',
  required: 'Required',
  language: '中文',
  workbench: 'Workbench',
  search: 'Search',
  newLead: 'New lead',
  leadDetail: 'Lead',
  editLead: 'Edit lead',
  referrals: 'Referrals',
  notifications: 'Notifications',
  statistics: 'Statistics',
  admin: 'Administration',
  excel: 'Excel import/export',
  notFound: 'Page not found',
  backHome: 'Back to the workbench',
  todoPage: 'This page is not built yet (TODO).',
  somethingWrong: 'Something went wrong',
  reload: 'Reload',
  loading: 'Loading…',
  networkError: 'Cannot reach the server; check the network and try again.',
  sessionExpired: 'Your session has expired; please log in again.',
  forbidden: 'You may not do this.',
  notFoundError: 'It does not exist or you may not see it.',
  conflictError: 'Someone else changed it meanwhile; reload and try again.',
  rateLimited: 'Too many requests; try again shortly.',
  unavailable: 'The service is unavailable; try again shortly.',
  internalError: 'Internal server error; try again shortly.',
  badInput: 'Some fields need attention.',
  role: 'Role',
  unit: 'Unit',
  ROLE_ADMIN: 'Administrator',
  ROLE_MANAGER: 'Manager',
  ROLE_OFFICER: 'Officer',
  ROLE_VIEWER: 'Viewer',
  TIER_CITY: 'City',
  TIER_DISTRICT: 'District',
  TIER_ZONE: 'Zone',
};

const DICTIONARIES: Record<Lang, Record<MessageKey, string>> = { zh, en };
const STORAGE_KEY = 'zs.lang';

/** The language outside React too (the GraphQL client sends it as Accept-Language). */
export function currentLang(): Lang {
  return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh';
}

export function translate(key: MessageKey, lang: Lang = currentLang()): string {
  return DICTIONARIES[lang][key];
}

interface I18n {
  lang: Lang;
  t: (key: MessageKey) => string;
  setLang: (lang: Lang) => void;
}

const I18nContext = createContext<I18n>({ lang: 'zh', t: (k) => zh[k], setLang: () => undefined });

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(currentLang);
  const setLang = useCallback((next: Lang) => {
    localStorage.setItem(STORAGE_KEY, next);
    document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
    setLangState(next);
  }, []);
  const value = useMemo<I18n>(() => ({ lang, setLang, t: (key) => DICTIONARIES[lang][key] }), [lang, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  return useContext(I18nContext);
}
