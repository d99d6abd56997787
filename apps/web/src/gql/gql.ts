/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query Me {\n    me {\n      __typename\n      ... on User {\n        id\n        username\n        displayName\n        role\n        unit {\n          id\n          code\n          name\n          tier\n          parent {\n            id\n            name\n            tier\n          }\n        }\n      }\n    }\n  }\n": typeof types.MeDocument,
    "\n  mutation Logout {\n    logout\n  }\n": typeof types.LogoutDocument,
    "\n  subscription UnreadCount {\n    unreadNotificationCount\n  }\n": typeof types.UnreadCountDocument,
    "\n  query LeadDetail($id: ID!) {\n    lead(id: $id) {\n      id\n      code\n      title\n      summary\n      description\n      stage\n      sharingScope\n      version\n      viewerCanEdit\n      followedByMe\n      investmentAmount\n      expectedJobs\n      expectedLandingDate\n      signedAt\n      landedAt\n      createdAt\n      updatedAt\n      industry {\n        code\n        nameZh\n        nameEn\n      }\n      investor {\n        name\n        uscc\n        countryOrRegion\n      }\n      ownerUnit {\n        id\n        name\n      }\n      conflicts {\n        id\n        status\n        coordinatingUnit {\n          name\n        }\n      }\n      contacts {\n        name\n        title\n        phone\n        email\n      }\n      activities(first: 20) {\n        totalCount\n        edges {\n          node {\n            id\n            kind\n            occurredAt\n            summary\n          }\n        }\n      }\n      history {\n        id\n        action\n        at\n        note\n        actor {\n          displayName\n        }\n        actorUnit {\n          name\n        }\n      }\n    }\n  }\n": typeof types.LeadDetailDocument,
    "\n  mutation FollowLead($id: ID!) {\n    followLead(id: $id) {\n      id\n      followedByMe\n    }\n  }\n": typeof types.FollowLeadDocument,
    "\n  mutation UnfollowLead($id: ID!) {\n    unfollowLead(id: $id) {\n      id\n      followedByMe\n    }\n  }\n": typeof types.UnfollowLeadDocument,
    "\n  mutation ShareLead($id: ID!, $scope: SharingScope!, $version: Int!) {\n    shareLead(id: $id, scope: $scope, version: $version) {\n      id\n      sharingScope\n      version\n    }\n  }\n": typeof types.ShareLeadDocument,
    "\n  mutation ChangeLeadStage($id: ID!, $stage: LeadStage!, $version: Int!) {\n    changeLeadStage(id: $id, stage: $stage, version: $version) {\n      id\n      stage\n      version\n    }\n  }\n": typeof types.ChangeLeadStageDocument,
    "\n  mutation ReferLead($id: ID!, $toUnitCode: String!) {\n    referLead(id: $id, toUnitCode: $toUnitCode) {\n      id\n    }\n  }\n": typeof types.ReferLeadDocument,
    "\n  mutation CreateLead($input: CreateLeadInput!) {\n    createLead(input: $input) {\n      id\n    }\n  }\n": typeof types.CreateLeadDocument,
    "\n  query LeadEdit($id: ID!) {\n    lead(id: $id) {\n      id\n      title\n      summary\n      version\n      investmentAmount\n      expectedJobs\n      industry {\n        code\n      }\n      investor {\n        name\n        uscc\n      }\n    }\n  }\n": typeof types.LeadEditDocument,
    "\n  mutation UpdateLead($id: ID!, $input: UpdateLeadInput!, $version: Int!) {\n    updateLead(id: $id, input: $input, version: $version) {\n      id\n      version\n    }\n  }\n": typeof types.UpdateLeadDocument,
    "\n  query LeadFormIndustries {\n    codes(kind: INDUSTRY) {\n      code\n      nameZh\n      nameEn\n    }\n  }\n": typeof types.LeadFormIndustriesDocument,
    "\n  mutation Login($username: String!, $password: String!) {\n    login(username: $username, password: $password) {\n      accessToken\n      expiresAt\n    }\n  }\n": typeof types.LoginDocument,
    "\n  query Inbox($unreadOnly: Boolean) {\n    notifications(unreadOnly: $unreadOnly, first: 50) {\n      totalCount\n      edges {\n        node {\n          id\n          title\n          body\n          kind\n          createdAt\n          readAt\n          lead {\n            id\n          }\n        }\n      }\n    }\n  }\n": typeof types.InboxDocument,
    "\n  subscription InboxAdded {\n    notificationAdded {\n      id\n    }\n  }\n": typeof types.InboxAddedDocument,
    "\n  mutation MarkNotificationsRead($ids: [ID!]!) {\n    markNotificationsRead(ids: $ids) {\n      id\n      readAt\n    }\n  }\n": typeof types.MarkNotificationsReadDocument,
    "\n  mutation MarkAllNotificationsRead {\n    markAllNotificationsRead\n  }\n": typeof types.MarkAllNotificationsReadDocument,
    "\n  query SearchLeads($query: String!, $filter: LeadFilter, $first: Int!, $offset: Int!, $facets: [LeadFacet!]) {\n    searchLeads(query: $query, filter: $filter, first: $first, offset: $offset, facets: $facets) {\n      totalHits\n      facets {\n        facet\n        values {\n          value\n          label\n          count\n        }\n      }\n      hits {\n        score\n        highlights {\n          field\n          snippet\n        }\n        lead {\n          id\n          code\n          title\n          stage\n          sharingScope\n          investor {\n            name\n          }\n          ownerUnit {\n            name\n          }\n        }\n      }\n    }\n  }\n": typeof types.SearchLeadsDocument,
    "\n  query SearchSuggest($prefix: String!) {\n    searchSuggest(prefix: $prefix, first: 10)\n  }\n": typeof types.SearchSuggestDocument,
    "\n  query Workbench($unitId: ID!, $stages: [LeadStage!]!) {\n    leads(first: 10, filter: { ownerUnitIds: [$unitId], stages: $stages }, orderBy: { field: UPDATED_AT, direction: DESC }) {\n      totalCount\n      edges {\n        node {\n          id\n          code\n          title\n          stage\n          investor {\n            name\n          }\n          updatedAt\n        }\n      }\n    }\n    referrals(direction: INCOMING, status: PENDING, first: 5) {\n      totalCount\n      edges {\n        node {\n          id\n          createdAt\n          fromUnit {\n            name\n          }\n          lead {\n            id\n            title\n          }\n        }\n      }\n    }\n    unreadNotificationCount\n    notifications(unreadOnly: true, first: 5) {\n      edges {\n        node {\n          id\n          title\n          createdAt\n          lead {\n            id\n          }\n        }\n      }\n    }\n    signedNotLandedLeads(first: 5) {\n      totalCount\n      edges {\n        node {\n          id\n          title\n          signedAt\n        }\n      }\n    }\n  }\n": typeof types.WorkbenchDocument,
};
const documents: Documents = {
    "\n  query Me {\n    me {\n      __typename\n      ... on User {\n        id\n        username\n        displayName\n        role\n        unit {\n          id\n          code\n          name\n          tier\n          parent {\n            id\n            name\n            tier\n          }\n        }\n      }\n    }\n  }\n": types.MeDocument,
    "\n  mutation Logout {\n    logout\n  }\n": types.LogoutDocument,
    "\n  subscription UnreadCount {\n    unreadNotificationCount\n  }\n": types.UnreadCountDocument,
    "\n  query LeadDetail($id: ID!) {\n    lead(id: $id) {\n      id\n      code\n      title\n      summary\n      description\n      stage\n      sharingScope\n      version\n      viewerCanEdit\n      followedByMe\n      investmentAmount\n      expectedJobs\n      expectedLandingDate\n      signedAt\n      landedAt\n      createdAt\n      updatedAt\n      industry {\n        code\n        nameZh\n        nameEn\n      }\n      investor {\n        name\n        uscc\n        countryOrRegion\n      }\n      ownerUnit {\n        id\n        name\n      }\n      conflicts {\n        id\n        status\n        coordinatingUnit {\n          name\n        }\n      }\n      contacts {\n        name\n        title\n        phone\n        email\n      }\n      activities(first: 20) {\n        totalCount\n        edges {\n          node {\n            id\n            kind\n            occurredAt\n            summary\n          }\n        }\n      }\n      history {\n        id\n        action\n        at\n        note\n        actor {\n          displayName\n        }\n        actorUnit {\n          name\n        }\n      }\n    }\n  }\n": types.LeadDetailDocument,
    "\n  mutation FollowLead($id: ID!) {\n    followLead(id: $id) {\n      id\n      followedByMe\n    }\n  }\n": types.FollowLeadDocument,
    "\n  mutation UnfollowLead($id: ID!) {\n    unfollowLead(id: $id) {\n      id\n      followedByMe\n    }\n  }\n": types.UnfollowLeadDocument,
    "\n  mutation ShareLead($id: ID!, $scope: SharingScope!, $version: Int!) {\n    shareLead(id: $id, scope: $scope, version: $version) {\n      id\n      sharingScope\n      version\n    }\n  }\n": types.ShareLeadDocument,
    "\n  mutation ChangeLeadStage($id: ID!, $stage: LeadStage!, $version: Int!) {\n    changeLeadStage(id: $id, stage: $stage, version: $version) {\n      id\n      stage\n      version\n    }\n  }\n": types.ChangeLeadStageDocument,
    "\n  mutation ReferLead($id: ID!, $toUnitCode: String!) {\n    referLead(id: $id, toUnitCode: $toUnitCode) {\n      id\n    }\n  }\n": types.ReferLeadDocument,
    "\n  mutation CreateLead($input: CreateLeadInput!) {\n    createLead(input: $input) {\n      id\n    }\n  }\n": types.CreateLeadDocument,
    "\n  query LeadEdit($id: ID!) {\n    lead(id: $id) {\n      id\n      title\n      summary\n      version\n      investmentAmount\n      expectedJobs\n      industry {\n        code\n      }\n      investor {\n        name\n        uscc\n      }\n    }\n  }\n": types.LeadEditDocument,
    "\n  mutation UpdateLead($id: ID!, $input: UpdateLeadInput!, $version: Int!) {\n    updateLead(id: $id, input: $input, version: $version) {\n      id\n      version\n    }\n  }\n": types.UpdateLeadDocument,
    "\n  query LeadFormIndustries {\n    codes(kind: INDUSTRY) {\n      code\n      nameZh\n      nameEn\n    }\n  }\n": types.LeadFormIndustriesDocument,
    "\n  mutation Login($username: String!, $password: String!) {\n    login(username: $username, password: $password) {\n      accessToken\n      expiresAt\n    }\n  }\n": types.LoginDocument,
    "\n  query Inbox($unreadOnly: Boolean) {\n    notifications(unreadOnly: $unreadOnly, first: 50) {\n      totalCount\n      edges {\n        node {\n          id\n          title\n          body\n          kind\n          createdAt\n          readAt\n          lead {\n            id\n          }\n        }\n      }\n    }\n  }\n": types.InboxDocument,
    "\n  subscription InboxAdded {\n    notificationAdded {\n      id\n    }\n  }\n": types.InboxAddedDocument,
    "\n  mutation MarkNotificationsRead($ids: [ID!]!) {\n    markNotificationsRead(ids: $ids) {\n      id\n      readAt\n    }\n  }\n": types.MarkNotificationsReadDocument,
    "\n  mutation MarkAllNotificationsRead {\n    markAllNotificationsRead\n  }\n": types.MarkAllNotificationsReadDocument,
    "\n  query SearchLeads($query: String!, $filter: LeadFilter, $first: Int!, $offset: Int!, $facets: [LeadFacet!]) {\n    searchLeads(query: $query, filter: $filter, first: $first, offset: $offset, facets: $facets) {\n      totalHits\n      facets {\n        facet\n        values {\n          value\n          label\n          count\n        }\n      }\n      hits {\n        score\n        highlights {\n          field\n          snippet\n        }\n        lead {\n          id\n          code\n          title\n          stage\n          sharingScope\n          investor {\n            name\n          }\n          ownerUnit {\n            name\n          }\n        }\n      }\n    }\n  }\n": types.SearchLeadsDocument,
    "\n  query SearchSuggest($prefix: String!) {\n    searchSuggest(prefix: $prefix, first: 10)\n  }\n": types.SearchSuggestDocument,
    "\n  query Workbench($unitId: ID!, $stages: [LeadStage!]!) {\n    leads(first: 10, filter: { ownerUnitIds: [$unitId], stages: $stages }, orderBy: { field: UPDATED_AT, direction: DESC }) {\n      totalCount\n      edges {\n        node {\n          id\n          code\n          title\n          stage\n          investor {\n            name\n          }\n          updatedAt\n        }\n      }\n    }\n    referrals(direction: INCOMING, status: PENDING, first: 5) {\n      totalCount\n      edges {\n        node {\n          id\n          createdAt\n          fromUnit {\n            name\n          }\n          lead {\n            id\n            title\n          }\n        }\n      }\n    }\n    unreadNotificationCount\n    notifications(unreadOnly: true, first: 5) {\n      edges {\n        node {\n          id\n          title\n          createdAt\n          lead {\n            id\n          }\n        }\n      }\n    }\n    signedNotLandedLeads(first: 5) {\n      totalCount\n      edges {\n        node {\n          id\n          title\n          signedAt\n        }\n      }\n    }\n  }\n": types.WorkbenchDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Me {\n    me {\n      __typename\n      ... on User {\n        id\n        username\n        displayName\n        role\n        unit {\n          id\n          code\n          name\n          tier\n          parent {\n            id\n            name\n            tier\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Me {\n    me {\n      __typename\n      ... on User {\n        id\n        username\n        displayName\n        role\n        unit {\n          id\n          code\n          name\n          tier\n          parent {\n            id\n            name\n            tier\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Logout {\n    logout\n  }\n"): (typeof documents)["\n  mutation Logout {\n    logout\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription UnreadCount {\n    unreadNotificationCount\n  }\n"): (typeof documents)["\n  subscription UnreadCount {\n    unreadNotificationCount\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query LeadDetail($id: ID!) {\n    lead(id: $id) {\n      id\n      code\n      title\n      summary\n      description\n      stage\n      sharingScope\n      version\n      viewerCanEdit\n      followedByMe\n      investmentAmount\n      expectedJobs\n      expectedLandingDate\n      signedAt\n      landedAt\n      createdAt\n      updatedAt\n      industry {\n        code\n        nameZh\n        nameEn\n      }\n      investor {\n        name\n        uscc\n        countryOrRegion\n      }\n      ownerUnit {\n        id\n        name\n      }\n      conflicts {\n        id\n        status\n        coordinatingUnit {\n          name\n        }\n      }\n      contacts {\n        name\n        title\n        phone\n        email\n      }\n      activities(first: 20) {\n        totalCount\n        edges {\n          node {\n            id\n            kind\n            occurredAt\n            summary\n          }\n        }\n      }\n      history {\n        id\n        action\n        at\n        note\n        actor {\n          displayName\n        }\n        actorUnit {\n          name\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query LeadDetail($id: ID!) {\n    lead(id: $id) {\n      id\n      code\n      title\n      summary\n      description\n      stage\n      sharingScope\n      version\n      viewerCanEdit\n      followedByMe\n      investmentAmount\n      expectedJobs\n      expectedLandingDate\n      signedAt\n      landedAt\n      createdAt\n      updatedAt\n      industry {\n        code\n        nameZh\n        nameEn\n      }\n      investor {\n        name\n        uscc\n        countryOrRegion\n      }\n      ownerUnit {\n        id\n        name\n      }\n      conflicts {\n        id\n        status\n        coordinatingUnit {\n          name\n        }\n      }\n      contacts {\n        name\n        title\n        phone\n        email\n      }\n      activities(first: 20) {\n        totalCount\n        edges {\n          node {\n            id\n            kind\n            occurredAt\n            summary\n          }\n        }\n      }\n      history {\n        id\n        action\n        at\n        note\n        actor {\n          displayName\n        }\n        actorUnit {\n          name\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation FollowLead($id: ID!) {\n    followLead(id: $id) {\n      id\n      followedByMe\n    }\n  }\n"): (typeof documents)["\n  mutation FollowLead($id: ID!) {\n    followLead(id: $id) {\n      id\n      followedByMe\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UnfollowLead($id: ID!) {\n    unfollowLead(id: $id) {\n      id\n      followedByMe\n    }\n  }\n"): (typeof documents)["\n  mutation UnfollowLead($id: ID!) {\n    unfollowLead(id: $id) {\n      id\n      followedByMe\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ShareLead($id: ID!, $scope: SharingScope!, $version: Int!) {\n    shareLead(id: $id, scope: $scope, version: $version) {\n      id\n      sharingScope\n      version\n    }\n  }\n"): (typeof documents)["\n  mutation ShareLead($id: ID!, $scope: SharingScope!, $version: Int!) {\n    shareLead(id: $id, scope: $scope, version: $version) {\n      id\n      sharingScope\n      version\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ChangeLeadStage($id: ID!, $stage: LeadStage!, $version: Int!) {\n    changeLeadStage(id: $id, stage: $stage, version: $version) {\n      id\n      stage\n      version\n    }\n  }\n"): (typeof documents)["\n  mutation ChangeLeadStage($id: ID!, $stage: LeadStage!, $version: Int!) {\n    changeLeadStage(id: $id, stage: $stage, version: $version) {\n      id\n      stage\n      version\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReferLead($id: ID!, $toUnitCode: String!) {\n    referLead(id: $id, toUnitCode: $toUnitCode) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation ReferLead($id: ID!, $toUnitCode: String!) {\n    referLead(id: $id, toUnitCode: $toUnitCode) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateLead($input: CreateLeadInput!) {\n    createLead(input: $input) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation CreateLead($input: CreateLeadInput!) {\n    createLead(input: $input) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query LeadEdit($id: ID!) {\n    lead(id: $id) {\n      id\n      title\n      summary\n      version\n      investmentAmount\n      expectedJobs\n      industry {\n        code\n      }\n      investor {\n        name\n        uscc\n      }\n    }\n  }\n"): (typeof documents)["\n  query LeadEdit($id: ID!) {\n    lead(id: $id) {\n      id\n      title\n      summary\n      version\n      investmentAmount\n      expectedJobs\n      industry {\n        code\n      }\n      investor {\n        name\n        uscc\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateLead($id: ID!, $input: UpdateLeadInput!, $version: Int!) {\n    updateLead(id: $id, input: $input, version: $version) {\n      id\n      version\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateLead($id: ID!, $input: UpdateLeadInput!, $version: Int!) {\n    updateLead(id: $id, input: $input, version: $version) {\n      id\n      version\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query LeadFormIndustries {\n    codes(kind: INDUSTRY) {\n      code\n      nameZh\n      nameEn\n    }\n  }\n"): (typeof documents)["\n  query LeadFormIndustries {\n    codes(kind: INDUSTRY) {\n      code\n      nameZh\n      nameEn\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Login($username: String!, $password: String!) {\n    login(username: $username, password: $password) {\n      accessToken\n      expiresAt\n    }\n  }\n"): (typeof documents)["\n  mutation Login($username: String!, $password: String!) {\n    login(username: $username, password: $password) {\n      accessToken\n      expiresAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Inbox($unreadOnly: Boolean) {\n    notifications(unreadOnly: $unreadOnly, first: 50) {\n      totalCount\n      edges {\n        node {\n          id\n          title\n          body\n          kind\n          createdAt\n          readAt\n          lead {\n            id\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Inbox($unreadOnly: Boolean) {\n    notifications(unreadOnly: $unreadOnly, first: 50) {\n      totalCount\n      edges {\n        node {\n          id\n          title\n          body\n          kind\n          createdAt\n          readAt\n          lead {\n            id\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription InboxAdded {\n    notificationAdded {\n      id\n    }\n  }\n"): (typeof documents)["\n  subscription InboxAdded {\n    notificationAdded {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MarkNotificationsRead($ids: [ID!]!) {\n    markNotificationsRead(ids: $ids) {\n      id\n      readAt\n    }\n  }\n"): (typeof documents)["\n  mutation MarkNotificationsRead($ids: [ID!]!) {\n    markNotificationsRead(ids: $ids) {\n      id\n      readAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MarkAllNotificationsRead {\n    markAllNotificationsRead\n  }\n"): (typeof documents)["\n  mutation MarkAllNotificationsRead {\n    markAllNotificationsRead\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SearchLeads($query: String!, $filter: LeadFilter, $first: Int!, $offset: Int!, $facets: [LeadFacet!]) {\n    searchLeads(query: $query, filter: $filter, first: $first, offset: $offset, facets: $facets) {\n      totalHits\n      facets {\n        facet\n        values {\n          value\n          label\n          count\n        }\n      }\n      hits {\n        score\n        highlights {\n          field\n          snippet\n        }\n        lead {\n          id\n          code\n          title\n          stage\n          sharingScope\n          investor {\n            name\n          }\n          ownerUnit {\n            name\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query SearchLeads($query: String!, $filter: LeadFilter, $first: Int!, $offset: Int!, $facets: [LeadFacet!]) {\n    searchLeads(query: $query, filter: $filter, first: $first, offset: $offset, facets: $facets) {\n      totalHits\n      facets {\n        facet\n        values {\n          value\n          label\n          count\n        }\n      }\n      hits {\n        score\n        highlights {\n          field\n          snippet\n        }\n        lead {\n          id\n          code\n          title\n          stage\n          sharingScope\n          investor {\n            name\n          }\n          ownerUnit {\n            name\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SearchSuggest($prefix: String!) {\n    searchSuggest(prefix: $prefix, first: 10)\n  }\n"): (typeof documents)["\n  query SearchSuggest($prefix: String!) {\n    searchSuggest(prefix: $prefix, first: 10)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Workbench($unitId: ID!, $stages: [LeadStage!]!) {\n    leads(first: 10, filter: { ownerUnitIds: [$unitId], stages: $stages }, orderBy: { field: UPDATED_AT, direction: DESC }) {\n      totalCount\n      edges {\n        node {\n          id\n          code\n          title\n          stage\n          investor {\n            name\n          }\n          updatedAt\n        }\n      }\n    }\n    referrals(direction: INCOMING, status: PENDING, first: 5) {\n      totalCount\n      edges {\n        node {\n          id\n          createdAt\n          fromUnit {\n            name\n          }\n          lead {\n            id\n            title\n          }\n        }\n      }\n    }\n    unreadNotificationCount\n    notifications(unreadOnly: true, first: 5) {\n      edges {\n        node {\n          id\n          title\n          createdAt\n          lead {\n            id\n          }\n        }\n      }\n    }\n    signedNotLandedLeads(first: 5) {\n      totalCount\n      edges {\n        node {\n          id\n          title\n          signedAt\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Workbench($unitId: ID!, $stages: [LeadStage!]!) {\n    leads(first: 10, filter: { ownerUnitIds: [$unitId], stages: $stages }, orderBy: { field: UPDATED_AT, direction: DESC }) {\n      totalCount\n      edges {\n        node {\n          id\n          code\n          title\n          stage\n          investor {\n            name\n          }\n          updatedAt\n        }\n      }\n    }\n    referrals(direction: INCOMING, status: PENDING, first: 5) {\n      totalCount\n      edges {\n        node {\n          id\n          createdAt\n          fromUnit {\n            name\n          }\n          lead {\n            id\n            title\n          }\n        }\n      }\n    }\n    unreadNotificationCount\n    notifications(unreadOnly: true, first: 5) {\n      edges {\n        node {\n          id\n          title\n          createdAt\n          lead {\n            id\n          }\n        }\n      }\n    }\n    signedNotLandedLeads(first: 5) {\n      totalCount\n      edges {\n        node {\n          id\n          title\n          signedAt\n        }\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;