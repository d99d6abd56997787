// The frame of every page after login: side menu (only what the caller's role may open), the caller's
// name/role/unit, language switch and logout.
import { Suspense } from 'react';
import { Button, Layout, Menu, Space, Spin, Tag, Typography } from 'antd';
import { GlobalOutlined, LogoutOutlined } from '@ant-design/icons';
import { Link, Outlet, useLocation, useNavigate } from 'react-router-dom';
import { ROUTES, mayOpen } from '../routes';
import { useSession, useUser } from '../auth/session';
import { useI18n, type MessageKey } from '../i18n';
import { ErrorBoundary } from '../components/ErrorBoundary';
import { UnreadBadge } from './UnreadBadge';

export function AppLayout() {
  const user = useUser();
  const { signOut } = useSession();
  const { t, lang, setLang } = useI18n();
  const location = useLocation();
  const navigate = useNavigate();
  const items = ROUTES.filter((r) => r.menu && mayOpen(r, user.role)).map((r) => ({
    key: `/${r.path}`,
    icon: r.menu!.icon,
    label: (
      <Link to={`/${r.path}`}>
        {t(r.menu!.label)}
        {r.path === 'notifications' && <UnreadBadge label={t(r.menu!.label)} />}
      </Link>
    ),
  }));
  const selected = items.map((i) => i.key).filter((k) => location.pathname === k || location.pathname.startsWith(`${k}/`));
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider breakpoint="lg" collapsedWidth={0} theme="light" width={200}>
        <div style={{ padding: '16px', fontWeight: 600 }}>{t('appName')}</div>
        <nav aria-label={t('appName')}>
          <Menu mode="inline" selectedKeys={selected} items={items} />
        </nav>
      </Layout.Sider>
      <Layout>
        <Layout.Header style={{ background: '#fff', padding: '0 16px', display: 'flex', justifyContent: 'flex-end' }}>
          <Space wrap>
            <Typography.Text data-testid="current-user">{user.displayName}</Typography.Text>
            <Tag>{t(`ROLE_${user.role}` as MessageKey)}</Tag>
            <Tag>
              {t(`TIER_${user.unit.tier}` as MessageKey)} · {user.unit.name}
            </Tag>
            <Button icon={<GlobalOutlined />} onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')} aria-label="language">
              {t('language')}
            </Button>
            <Button
              icon={<LogoutOutlined />}
              onClick={() => {
                void signOut().then(() => navigate('/login'));
              }}
            >
              {t('logout')}
            </Button>
          </Space>
        </Layout.Header>
        <Layout.Content style={{ margin: 16 }}>
          <main>
            <ErrorBoundary resetKey={location.pathname}>
              <Suspense fallback={<Spin style={{ display: 'block', margin: 48 }} />}>
                <Outlet />
              </Suspense>
            </ErrorBoundary>
          </main>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
