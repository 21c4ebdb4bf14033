/**
 * What S3 does by itself for a bucket that has no public access block of its own, said by
 * the Terraform and CloudFormation rules alike: since April 2023 every new bucket gets all
 * four settings on, but buckets made before then keep none, and a configuration may manage
 * such a bucket.
 */
export const DEFAULT_BLOCK_NOTE =
  'S3 turns all four settings on only for buckets created since April 2023, so a bucket this configuration made earlier has none, and one public ACL or bucket policy makes it public';

/**
 * Why a bucket without versioning is reported, by the Terraform and CloudFormation rules
 * alike: S3 keeps no earlier version of an object that is overwritten or deleted.
 */
export const NO_VERSIONING_NOTE = 'an object overwritten or deleted (by mistake, by a bad deployment, or by ransomware with write access) cannot be recovered';

/**
 * Days within which a lifecycle rule over the whole bucket expires every object: the bucket
 * holds scratch data (Athena query results, regenerated reports), and versioning would guard
 * nothing. The Terraform and CloudFormation versioning rules leave such a bucket out alike.
 */
export const SCRATCH_BUCKET_DAYS = 7;
