import type { QueryResolvers } from '../../../../generated/graphql';

export const verifyAuditChain: NonNullable<QueryResolvers['verifyAuditChain']> = async (
  _parent,
  _args,
  { auth, audit },
) => {
  const result = await audit.verify(auth);
  return {
    valid: result.valid,
    checkedCount: result.checkedCount,
    headSequence: result.head?.sequence ?? null,
    headHash: result.head?.hash ?? null,
    firstInvalidSequence: result.firstInvalidSequence,
    problem: result.problem,
    verifiedAt: result.verifiedAt,
  };
};
