// The route registry: one line per page. A page lives in pages/<page>/ and default-exports its component;
// `lazy` makes it its own chunk. `roles` decides who sees it in the menu and who may open it (the api
// still decides what data they get). Adding a page = a folder + one line here.
import { lazy, type ComponentType, type LazyExoticComponent, type ReactNode } from 'react';
import {
  AppstoreOutlined,
  BarChartOutlined,
  BellOutlined,
  FileExcelOutlined,
  PlusCircleOutlined,
  SearchOutlined,
  SettingOutlined,
  SwapOutlined,
} from '@ant-design/icons';
import type { MessageKey } from './i18n';
import type { Role } from './auth/session';

export interface PageRoute {
  /** Under the layout, without the leading slash; `:id` params as react-router has them. */
  path: string;
  page: LazyExoticComponent<ComponentType>;
  /** In the side menu with this label (translated) and icon. */
  menu?: { label: MessageKey; icon: ReactNode };
  /** Roles that may open it; everyone logged in when absent. */
  roles?: readonly Role[];
  /** Not built yet: a placeholder page stands in. */
  todo?: true;
}

const EDITORS: readonly Role[] = ['ADMIN', 'MANAGER', 'OFFICER'];

const todo = lazy(() => import('./pages/todo/TodoPage'));

export const ROUTES: readonly PageRoute[] = [
  { path: 'workbench', page: lazy(() => import('./pages/workbench/WorkbenchPage')), menu: { label: 'workbench', icon: <AppstoreOutlined /> } },
  { path: 'search', page: lazy(() => import('./pages/search/SearchPage')), menu: { label: 'search', icon: <SearchOutlined /> } },
  { path: 'leads/new', page: lazy(() => import('./pages/lead-edit/LeadCreatePage')), roles: EDITORS, menu: { label: 'newLead', icon: <PlusCircleOutlined /> } },
  { path: 'leads/:id', page: lazy(() => import('./pages/lead-detail/LeadDetailPage')) },
  // Edit is open to every role: the api decides (viewerCanEdit), and a refused edit shows its message.
  { path: 'leads/:id/edit', page: lazy(() => import('./pages/lead-edit/LeadEditPage')) },
  // TODO (second engineer): referrals in/out.
  { path: 'referrals', page: todo, todo: true, menu: { label: 'referrals', icon: <SwapOutlined /> } },
  { path: 'notifications', page: lazy(() => import('./pages/notifications/NotificationsPage')), menu: { label: 'notifications', icon: <BellOutlined /> } },
  // TODO (second engineer): statistics with ECharts.
  { path: 'statistics', page: todo, todo: true, menu: { label: 'statistics', icon: <BarChartOutlined /> } },
  // TODO (second engineer): org tree, users, API keys.
  { path: 'admin', page: todo, todo: true, roles: ['ADMIN', 'MANAGER'], menu: { label: 'admin', icon: <SettingOutlined /> } },
  // TODO (second engineer): Excel template/import/export.
  { path: 'excel', page: todo, todo: true, roles: EDITORS, menu: { label: 'excel', icon: <FileExcelOutlined /> } },
];

export function mayOpen(route: PageRoute, role: Role): boolean {
  return !route.roles || route.roles.includes(role);
}
