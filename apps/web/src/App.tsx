import { Suspense, lazy, type ReactNode } from 'react';
import { App as AntApp, ConfigProvider, Spin } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import enUS from 'antd/locale/en_US';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { I18nProvider, useI18n } from './i18n';
import { SessionProvider, useSession } from './auth/session';
import { AppLayout } from './layout/AppLayout';
import { ROUTES, mayOpen } from './routes';
import { ErrorBoundary } from './components/ErrorBoundary';

const LoginPage = lazy(() => import('./pages/login/LoginPage'));
const NotFoundPage = lazy(() => import('./pages/not-found/NotFoundPage'));

/** Pages after login: without a user, to the login page (coming back here afterwards). */
function RequireUser({ children }: { children: ReactNode }) {
  const { user } = useSession();
  const location = useLocation();
  if (!user) return <Navigate to="/login" replace state={{ from: `${location.pathname}${location.search}` }} />;
  return <>{children}</>;
}

function AppRoutes() {
  const { user } = useSession();
  const allowed = ROUTES.filter((r) => !user || mayOpen(r, user.role));
  return (
    <Suspense fallback={<Spin style={{ display: 'block', margin: 48 }} />}>
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        <Route
          element={
            <RequireUser>
              <AppLayout />
            </RequireUser>
          }
        >
          <Route index element={<Navigate to="/workbench" replace />} />
          {allowed.map((r) => (
            <Route key={r.path} path={r.path} element={<r.page />} />
          ))}
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Routes>
    </Suspense>
  );
}

function Localized({ children }: { children: ReactNode }) {
  const { lang } = useI18n();
  return (
    <ConfigProvider locale={lang === 'zh' ? zhCN : enUS} theme={{ token: { fontFamily: 'system-ui, "Noto Sans CJK SC", sans-serif' } }}>
      <AntApp>{children}</AntApp>
    </ConfigProvider>
  );
}

export function App() {
  return (
    <ErrorBoundary>
      <I18nProvider>
        <Localized>
          <BrowserRouter>
            <SessionProvider>
              <AppRoutes />
            </SessionProvider>
          </BrowserRouter>
        </Localized>
      </I18nProvider>
    </ErrorBoundary>
  );
}
