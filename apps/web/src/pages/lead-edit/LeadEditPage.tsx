// 编辑项目: open to every role by URL; the api decides (a refused save shows its message on the form).
import { Typography } from 'antd';
import { useNavigate, useParams } from 'react-router-dom';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../../gql';
import { useI18n } from '../../i18n';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { LeadForm, toInput } from './LeadForm';

const LeadEditDocument = graphql(`
  query LeadEdit($id: ID!) {
    lead(id: $id) {
      id
      title
      summary
      version
      investmentAmount
      expectedJobs
      industry {
        code
      }
      investor {
        name
        uscc
      }
    }
  }
`);

const UpdateLeadDocument = graphql(`
  mutation UpdateLead($id: ID!, $input: UpdateLeadInput!, $version: Int!) {
    updateLead(id: $id, input: $input, version: $version) {
      id
      version
    }
  }
`);

export default function LeadEditPage() {
  const { id = '' } = useParams();
  const { lang } = useI18n();
  const navigate = useNavigate();
  const [{ data, error, fetching }] = useQuery({ query: LeadEditDocument, variables: { id }, requestPolicy: 'network-only' });
  const [, update] = useMutation(UpdateLeadDocument);
  const lead = data?.lead;
  return (
    <>
      <Typography.Title level={2}>{lang === 'zh' ? '编辑项目' : 'Edit lead'}</Typography.Title>
      <ApiErrorAlert error={error} />
      {lead && !fetching && (
        <LeadForm
          withScope={false}
          initial={{
            title: lead.title,
            summary: lead.summary ?? undefined,
            industryCode: lead.industry.code,
            investmentAmount: lead.investmentAmount ?? undefined,
            expectedJobs: lead.expectedJobs ?? undefined,
            // A hidden USCC (null) is left out of the update, so it is not cleared.
            investor: { name: lead.investor.name, uscc: lead.investor.uscc ?? undefined },
          }}
          onSubmit={async (v) => {
            const r = await update({ id, input: toInput(v), version: lead.version });
            if (r.data) navigate(`/leads/${id}`);
            return r.error;
          }}
        />
      )}
    </>
  );
}
