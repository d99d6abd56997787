// 登记项目: the form; on success to the new lead's page.
import { Typography } from 'antd';
import { useNavigate } from 'react-router-dom';
import { useMutation } from 'urql';
import { graphql } from '../../gql';
import { useI18n } from '../../i18n';
import { LeadForm, toInput } from './LeadForm';

const CreateLeadDocument = graphql(`
  mutation CreateLead($input: CreateLeadInput!) {
    createLead(input: $input) {
      id
    }
  }
`);

export default function LeadCreatePage() {
  const { lang } = useI18n();
  const navigate = useNavigate();
  const [, create] = useMutation(CreateLeadDocument);
  return (
    <>
      <Typography.Title level={2}>{lang === 'zh' ? '登记项目' : 'New lead'}</Typography.Title>
      <LeadForm
        withScope
        initial={{ sharingScope: 'PRIVATE' }}
        onSubmit={async (v) => {
          const r = await create({ input: { ...toInput(v), sharingScope: v.sharingScope } });
          if (r.data) navigate(`/leads/${r.data.createLead.id}`);
          return r.error;
        }}
      />
    </>
  );
}
