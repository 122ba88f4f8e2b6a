// --verify: asks the real authorizer, through SubjectAccessReviews, about the exact requests
// each row claims. A row the server does not allow is kept and marked: it is a bug in our model
// or an authorizer we cannot see. Sending the reviews is a parameter, so this stays testable
// without a cluster.
import {serviceAccountGroups, serviceAccountUsername, type ResourceRequest} from './match.js';
import type {SubjectId} from './bindings.js';
import type {AccessRow} from './who-can.js';

export interface ReviewStatus {
  allowed?: boolean;
  denied?: boolean;
  reason?: string;
  evaluationError?: string;
}

/** Creates one SubjectAccessReview and returns the server's answer (the object it returns). */
export type CreateReview = (review: SubjectAccessReview) => Promise<{status?: ReviewStatus}>;

export interface SubjectAccessReview {
  apiVersion: 'authorization.k8s.io/v1';
  kind: 'SubjectAccessReview';
  spec: {
    user?: string;
    groups?: string[];
    resourceAttributes: {namespace?: string; verb: string; group: string; resource: string; subresource?: string; name?: string};
  };
}

export interface Verification {
  confirmed: boolean;
  reason: string;
}

export interface VerifyResult {
  /** Same order as the rows given; undefined when the row could not be verified. */
  verifications: Array<Verification | undefined>;
  /** Set when reviews could not be sent at all (e.g. 403 on creating them). */
  unverified?: string;
}

/** A ServiceAccount with all three of its groups, a Group as groups only, a User by name. */
export function reviewFor(subject: SubjectId, req: ResourceRequest): SubjectAccessReview {
  const who: {user?: string; groups?: string[]} =
    subject.kind === 'ServiceAccount' ? {user: serviceAccountUsername(subject.namespace!, subject.name), groups: serviceAccountGroups(subject.namespace!)}
      : subject.kind === 'Group' ? {groups: [subject.name]}
        : {user: subject.name};
  const attrs: SubjectAccessReview['spec']['resourceAttributes'] = {verb: req.verb, group: req.group, resource: req.resource};
  if (req.namespace) attrs.namespace = req.namespace;
  if (req.subresource) attrs.subresource = req.subresource;
  if (req.name) attrs.name = req.name;
  return {apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec: {...who, resourceAttributes: attrs}};
}

export async function verifyRows(rows: AccessRow[], create: CreateReview, opts: {concurrency?: number} = {}): Promise<VerifyResult> {
  // Rows repeat requests (a subject's direct and indirect rows, group members): ask once each.
  const reviews = new Map<string, {review: SubjectAccessReview; answer?: ReviewStatus}>();
  const keysPerRow = rows.map((row) =>
    row.requests.map((req) => {
      const review = reviewFor(row.subject, req);
      const key = JSON.stringify(review.spec);
      if (!reviews.has(key)) reviews.set(key, {review});
      return key;
    }),
  );
  const queue = [...reviews.values()];
  let unverified: string | undefined;
  const worker = async () => {
    while (!unverified && queue.length > 0) {
      const item = queue.shift()!;
      try {
        item.answer = (await create(item.review)).status ?? {};
      } catch (error) {
        const status = (error as {status?: number}).status;
        if (status === 403 || status === 404) {
          unverified = status === 403
            ? 'you may not create subjectaccessreviews (forbidden): the rows below are not verified'
            : 'the server does not serve subjectaccessreviews (authorization.k8s.io/v1): the rows below are not verified';
          return;
        }
        throw error;
      }
    }
  };
  await Promise.all(Array.from({length: Math.min(opts.concurrency ?? 8, Math.max(1, queue.length))}, worker));
  if (unverified) return {verifications: rows.map(() => undefined), unverified};
  const verifications = keysPerRow.map((keys) => {
    const answers = keys.map((k) => reviews.get(k)!.answer!);
    const confirmed = answers.every((a) => a.allowed === true);
    const reason = answers
      .map((a) => [a.reason, a.evaluationError].filter(Boolean).join('; '))
      .filter(Boolean)
      .join(' / ');
    return {confirmed, reason: reason || (confirmed ? 'allowed' : 'no reason given')};
  });
  return {verifications};
}
