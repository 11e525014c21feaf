/** What members are told about their data where they act on it; the full policy is PRIVACY.md. */
export const PRIVACY_SUMMARY =
  'FlickPick stores your Discord user id with the movies you rated or marked (and when), to recommend to you ' +
  'and, under a pseudonym that is never your Discord id, to train its models. /ratings shows all of it. ' +
  'Full privacy policy: PRIVACY.md in FlickPick’s repository.';
