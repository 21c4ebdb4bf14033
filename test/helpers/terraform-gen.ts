/**
 * Generated Terraform for scaling checks (the test of rule results on large files, and
 * the bench that times them): `units` groups of IAM resources that refer to each other.
 */
export function iamFile(units: number): string {
  const out: string[] = [];
  for (let i = 0; i < units; i++) {
    out.push(
      `data "aws_iam_policy_document" "assume${i}" {\n  statement {\n    actions = ["sts:AssumeRole"]\n    principals {\n      type        = "Service"\n      identifiers = ["lambda.amazonaws.com"]\n    }\n  }\n}\n`,
      `resource "aws_iam_role" "r${i}" {\n  assume_role_policy = data.aws_iam_policy_document.assume${i}.json\n}\n`,
      `resource "aws_iam_policy" "p${i}" {\n  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = ["iam:PassRole"], Resource = "*" }] })\n}\n`,
      `resource "aws_iam_role_policy_attachment" "a${i}" {\n  role       = aws_iam_role.r${i}.name\n  policy_arn = aws_iam_policy.p${i}.arn\n}\n`,
      `data "aws_iam_policy_document" "inline${i}" {\n  statement {\n    actions   = ["lambda:CreateFunction", "lambda:InvokeFunction"]\n    resources = ["*"]\n  }\n}\n`,
      `resource "aws_iam_role_policy" "rp${i}" {\n  role   = aws_iam_role.r${i}.id\n  policy = data.aws_iam_policy_document.inline${i}.json\n}\n`,
      `resource "aws_iam_user" "u${i}" {\n  name = "u${i}"\n}\n`,
      `resource "aws_iam_user_policy" "up${i}" {\n  user   = aws_iam_user.u${i}.name\n  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "iam:CreateAccessKey", Resource = "*" }] })\n}\n`,
      `resource "aws_s3_bucket" "b${i}" {\n  tags = { Name = "b${i}" }\n}\n`,
      `resource "aws_s3_bucket_public_access_block" "b${i}" {\n  bucket = aws_s3_bucket.b${i}.id\n}\n`,
    );
  }
  return out.join('');
}


/** A `locals` block of `n` tuples holding objects: the shape that made HCL parsing quadratic. */
export function tuplesFile(n: number): string {
  return `locals {\n${Array.from({ length: n }, (_, i) => `  l${i} = [{ a = [${i}] }]\n`).join('')}}\n`;
}
