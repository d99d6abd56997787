// TODO placeholder for pages of the registry not built yet (routes.tsx marks them `todo`).
import { Result } from 'antd';
import { useI18n } from '../../i18n';

export default function TodoPage() {
  const { t } = useI18n();
  return <Result status="info" title="TODO" subTitle={t('todoPage')} />;
}
