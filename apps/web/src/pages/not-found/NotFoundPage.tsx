import { Button, Result } from 'antd';
import { Link } from 'react-router-dom';
import { useI18n } from '../../i18n';

export default function NotFoundPage() {
  const { t } = useI18n();
  return (
    <Result
      status="404"
      title={t('notFound')}
      extra={
        <Link to="/workbench">
          <Button type="primary">{t('backHome')}</Button>
        </Link>
      }
    />
  );
}
