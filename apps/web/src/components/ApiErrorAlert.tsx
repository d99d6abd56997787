// An api error as a readable alert (the wording comes from data/errors.ts, the one place for it).
import { Alert } from 'antd';
import type { CombinedError } from 'urql';
import { apiProblem } from '../data/errors';

export function ApiErrorAlert({ error }: { error?: CombinedError | null }) {
  if (!error) return null;
  const problem = apiProblem(error);
  return <Alert type="error" showIcon role="alert" data-testid="api-error" data-code={problem.code} message={problem.message} style={{ marginBottom: 16 }} />;
}
