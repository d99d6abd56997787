import { useState } from 'react';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useMutation } from 'urql';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { graphql } from '../../gql';
import { useSession } from '../../auth/session';
import { useI18n } from '../../i18n';
import { applyToForm } from '../../data/errors';

const LoginDocument = graphql(`
  mutation Login($username: String!, $password: String!) {
    login(username: $username, password: $password) {
      accessToken
      expiresAt
    }
  }
`);

interface LoginForm {
  username: string;
  password: string;
}

export default function LoginPage() {
  const { t, lang, setLang } = useI18n();
  const { user, signIn, expired } = useSession();
  const [form] = Form.useForm<LoginForm>();
  const [problem, setProblem] = useState<string | null>(null);
  const [{ fetching }, login] = useMutation(LoginDocument);
  const navigate = useNavigate();
  const from = (useLocation().state as { from?: string } | null)?.from ?? '/workbench';
  if (user) return <Navigate to={from} replace />;

  const submit = async (values: LoginForm) => {
    setProblem(null);
    const res = await login(values);
    if (res.error) setProblem(applyToForm(form, res.error, [['username'], ['password']]).message);
    else if (res.data) {
      signIn(res.data.login.accessToken);
      navigate(from, { replace: true });
    }
  };

  return (
    <main style={{ display: 'grid', placeItems: 'center', minHeight: '100vh', background: '#f5f5f5' }}>
      <Card style={{ width: 360 }}>
        <Typography.Title level={3} style={{ textAlign: 'center' }}>
          {t('appName')}
        </Typography.Title>
        {expired && <Alert type="warning" showIcon message={t('sessionExpired')} style={{ marginBottom: 16 }} />}
        {problem && <Alert type="error" showIcon role="alert" message={problem} style={{ marginBottom: 16 }} />}
        <Form form={form} layout="vertical" onFinish={(v) => void submit(v)} requiredMark>
          <Form.Item label={t('username')} name="username" rules={[{ required: true, message: t('required') }]}>
            <Input autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item label={t('password')} name="password" rules={[{ required: true, message: t('required') }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={fetching}>
            {t('login')}
          </Button>
        </Form>
        <Button type="link" block style={{ marginTop: 8 }} onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}>
          {t('language')}
        </Button>
      </Card>
    </main>
  );
}
