// Never a blank page: a render error shows a message and a way out; it resets when the route changes.
import { Component, type ErrorInfo, type ReactNode } from 'react';
import { Button, Result } from 'antd';
import { translate } from '../i18n';

interface Props {
  children: ReactNode;
  /** Changing it (e.g. the location) clears the error. */
  resetKey?: string;
}

interface State {
  error: Error | null;
  resetKey?: string;
}

export class ErrorBoundary extends Component<Props, State> {
  override state: State = { error: null, resetKey: this.props.resetKey };

  static getDerivedStateFromProps(props: Props, state: State): Partial<State> | null {
    return props.resetKey !== state.resetKey ? { error: null, resetKey: props.resetKey } : null;
  }

  static getDerivedStateFromError(error: Error): Partial<State> {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('console render error', error, info.componentStack);
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <Result
        status="error"
        title={translate('somethingWrong')}
        subTitle={this.state.error.message}
        extra={
          <Button type="primary" onClick={() => location.reload()}>
            {translate('reload')}
          </Button>
        }
      />
    );
  }
}
