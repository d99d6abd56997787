// The create/edit form: labelled antd fields; the api's validation (USCC check character, amounts, title
// length) lands on the fields it names via applyToForm, anything else in the alert above the form.
import { useState } from 'react';
import { Alert, Button, Form, Input, InputNumber, Select } from 'antd';
import type { CombinedError } from 'urql';
import { useQuery } from 'urql';
import { graphql } from '../../gql';
import type { SharingScope } from '../../gql/graphql';
import { useI18n } from '../../i18n';
import { SCOPE_LABELS, label } from '../../components/labels';
import { applyToForm } from '../../data/errors';

const IndustriesDocument = graphql(`
  query LeadFormIndustries {
    codes(kind: INDUSTRY) {
      code
      nameZh
      nameEn
    }
  }
`);

export interface LeadFormValues {
  title: string;
  summary?: string;
  industryCode: string;
  investmentAmount?: string;
  expectedJobs?: number;
  sharingScope?: SharingScope;
  investor: { name: string; uscc?: string };
}

const FIELDS: (string | number)[][] = [['title'], ['summary'], ['industryCode'], ['investmentAmount'], ['expectedJobs'], ['sharingScope'], ['investor', 'name'], ['investor', 'uscc']];

const T = {
  zh: { title: '项目名称', summary: '摘要', industry: '产业', amount: '投资额（万元）', jobs: '预计就业人数', scope: '共享范围', investor: '投资方名称', uscc: '统一社会信用代码', save: '保存', required: '必填' },
  en: { title: 'Title', summary: 'Summary', industry: 'Industry', amount: 'Investment (10k CNY)', jobs: 'Expected jobs', scope: 'Sharing', investor: 'Investor name', uscc: 'USCC', save: 'Save', required: 'Required' },
};

export function LeadForm({ initial, withScope, onSubmit }: { initial?: Partial<LeadFormValues>; withScope: boolean; onSubmit: (v: LeadFormValues) => Promise<CombinedError | undefined> }) {
  const { lang } = useI18n();
  const w = T[lang];
  const [form] = Form.useForm<LeadFormValues>();
  const [problem, setProblem] = useState<string | undefined>();
  const [saving, setSaving] = useState(false);
  const [{ data }] = useQuery({ query: IndustriesDocument });

  const finish = async (values: LeadFormValues) => {
    setSaving(true);
    setProblem(undefined);
    const error = await onSubmit(values);
    setSaving(false);
    if (error) {
      const p = applyToForm(form, error, FIELDS);
      // Field errors sit on the fields; the alert carries the rest (or the refusal itself).
      if (p.fields.length === 0 || p.message !== '') setProblem(p.message);
    }
  };

  return (
    <Form<LeadFormValues> form={form} layout="vertical" initialValues={initial} onFinish={(v) => void finish(v)} style={{ maxWidth: 720 }} data-testid="lead-form">
      {problem && <Alert type="error" showIcon role="alert" data-testid="api-error" message={problem} style={{ marginBottom: 16 }} />}
      <Form.Item name="title" label={w.title} rules={[{ required: true, message: w.required }]}>
        <Input />
      </Form.Item>
      <Form.Item name={['investor', 'name']} label={w.investor} rules={[{ required: true, message: w.required }]}>
        <Input />
      </Form.Item>
      <Form.Item name={['investor', 'uscc']} label={w.uscc}>
        <Input maxLength={18} />
      </Form.Item>
      <Form.Item name="industryCode" label={w.industry} rules={[{ required: true, message: w.required }]}>
        <Select showSearch optionFilterProp="label" options={(data?.codes ?? []).map((c) => ({ value: c.code, label: lang === 'zh' ? c.nameZh : c.nameEn }))} />
      </Form.Item>
      <Form.Item name="investmentAmount" label={w.amount}>
        <InputNumber<string> stringMode style={{ width: 240 }} />
      </Form.Item>
      <Form.Item name="expectedJobs" label={w.jobs}>
        <InputNumber<number> precision={0} style={{ width: 240 }} />
      </Form.Item>
      {withScope && (
        <Form.Item name="sharingScope" label={w.scope}>
          <Select options={(['PRIVATE', 'DISTRICT', 'CITY', 'PUBLIC'] as const).map((s) => ({ value: s, label: label(SCOPE_LABELS, s, lang) }))} />
        </Form.Item>
      )}
      <Form.Item name="summary" label={w.summary}>
        <Input.TextArea rows={3} />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={saving}>
        {w.save}
      </Button>
    </Form>
  );
}

/** Empty optional fields are left out rather than sent as empty strings. */
export function toInput(v: LeadFormValues) {
  const uscc = v.investor.uscc?.trim();
  return {
    title: v.title,
    summary: v.summary?.trim() ? v.summary : undefined,
    industryCode: v.industryCode,
    investmentAmount: v.investmentAmount === undefined || v.investmentAmount === null || v.investmentAmount === '' ? undefined : String(v.investmentAmount),
    expectedJobs: v.expectedJobs ?? undefined,
    investor: { name: v.investor.name, uscc: uscc ? uscc : undefined },
  };
}
