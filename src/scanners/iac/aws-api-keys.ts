/**
 * Why a method or route that requires only an API key is still reported (at low severity)
 * by the API Gateway rules of Terraform and CloudFormation: AWS documents that API keys are
 * not for authentication or authorization.
 */
export const API_KEY_IS_NOT_AUTHENTICATION =
  'API keys identify callers (for usage plans and throttling) but do not authenticate them, and anyone who obtains the key can call it';
