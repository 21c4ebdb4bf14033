import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyseFile } from '../../../src/scanners/iac/index.js';
import { lines } from '../../helpers/iac-lines.js';
import { scanIacTree } from '../../helpers/iac-scan.js';

function hits(path: string, source: string, prefix: string): string[] {
  return analyseFile(path, source, () => {})
    .findings.filter((f) => f.ruleId.startsWith(prefix))
    .map((f) => `${f.ruleId}@${f.location.startLine}`);
}


/** An HTTP API (GetAtt references, a domain mapped by its name written out), with the default endpoint on or off. */
function httpApi(disabled: boolean, mtls: boolean): string {
  return lines(
    'Resources:',
    '  Api:',
    '    Type: AWS::ApiGatewayV2::Api',
    '    Properties:',
    '      Name: orders',
    '      ProtocolType: HTTP',
    `      DisableExecuteApiEndpoint: ${disabled}`,
    '  List:',
    '    Type: AWS::ApiGatewayV2::Route',
    '    Properties:',
    '      ApiId: !GetAtt Api.ApiId',
    '      RouteKey: GET /orders',
    '  Domain:',
    '    Type: AWS::ApiGatewayV2::DomainName',
    '    Properties:',
    '      DomainName: api.example.org',
    '      DomainNameConfigurations:',
    '        - CertificateArn: !Ref Certificate',
    ...(mtls ? ['      MutualTlsAuthentication:', '        TruststoreUri: s3://example-truststore/clients.pem'] : []),
    '  Mapping:',
    '    Type: AWS::ApiGatewayV2::ApiMapping',
    '    DependsOn: Domain',
    '    Properties:',
    '      ApiId: !Ref Api',
    '      DomainName: api.example.org',
    '      Stage: prod',
  );
}

/** A Terraform custom domain name, asking for a client certificate or not, mapped to the API `apiId` names. */
function tfDomain(apiId: string, mtls: boolean): string {
  return lines(
    'resource "aws_apigatewayv2_domain_name" "shop" {',
    '  domain_name = "api.example.org"',
    '  domain_name_configuration {',
    '    certificate_arn = aws_acm_certificate.shop.arn',
    '    endpoint_type   = "REGIONAL"',
    '    security_policy = "TLS_1_2"',
    '  }',
    ...(mtls ? ['  mutual_tls_authentication {', '    truststore_uri = "s3://example-truststore/clients.pem"', '  }'] : []),
    '}',
    '',
    'resource "aws_apigatewayv2_api_mapping" "shop" {',
    `  api_id      = ${apiId}`,
    '  domain_name = "api.example.org"',
    '  stage       = "prod"',
    '}',
  );
}

/** `path:line` of one rule's findings when a tree of files is scanned. */
async function treeHits(files: Record<string, string>, ruleId: string): Promise<string[]> {
  return (await scanIacTree(files)).findings.filter((f) => f.ruleId === ruleId).map((f) => `${f.location.path}:${f.location.startLine}`);
}

describe('API Gateway reached only through custom domain names with mutual TLS', () => {
  it('CloudFormation: an HTTP API route is open unless the default endpoint is off and every domain asks for a client certificate', () => {
    assert.deepEqual(hits('stack.yaml', httpApi(true, true), 'iac/cfn-apigw-v2-route-no-auth'), []);
    assert.deepEqual(hits('stack.yaml', httpApi(false, true), 'iac/cfn-apigw-v2-route-no-auth'), ['iac/cfn-apigw-v2-route-no-auth@8']);
    assert.deepEqual(hits('stack.yaml', httpApi(true, false), 'iac/cfn-apigw-v2-route-no-auth'), ['iac/cfn-apigw-v2-route-no-auth@8']);
  });

  it('CloudFormation: a disabled endpoint whose domain the template does not show is still judged open', () => {
    const elsewhere = lines(
      'Resources:',
      '  Api:',
      '    Type: AWS::ApiGatewayV2::Api',
      '    Properties:',
      '      ProtocolType: HTTP',
      '      DisableExecuteApiEndpoint: true',
      '  Mapping:',
      '    Type: AWS::ApiGatewayV2::ApiMapping',
      '    Properties:',
      '      ApiId: !Ref Api',
      '      DomainName: !ImportValue shared-domain',
      '      Stage: prod',
      '  List:',
      '    Type: AWS::ApiGatewayV2::Route',
      '    Properties:',
      '      ApiId: !Ref Api',
      '      RouteKey: GET /orders',
    );
    assert.deepEqual(hits('stack.yaml', elsewhere, 'iac/cfn-apigw-v2-route-no-auth'), ['iac/cfn-apigw-v2-route-no-auth@13']);
  });

  it('CloudFormation: the domain name and the mapping take the name from one parameter, the truststore from another', () => {
    const quickCreate = (mappedName: string) =>
      lines(
        'Parameters:',
        '  DomainNameParam:',
        '    Type: String',
        '  OtherName:',
        '    Type: String',
        '  Truststore:',
        '    Type: String',
        'Resources:',
        '  Api:',
        '    Type: AWS::ApiGatewayV2::Api',
        '    Properties:',
        '      ProtocolType: HTTP',
        '      DisableExecuteApiEndpoint: true',
        '      Target: !GetAtt Fn.Arn',
        '  Domain:',
        '    Type: AWS::ApiGatewayV2::DomainName',
        '    Properties:',
        '      DomainName: !Ref DomainNameParam',
        '      DomainNameConfigurations:',
        '        - CertificateArn: !Ref Certificate',
        '      MutualTlsAuthentication:',
        '        TruststoreUri: !Ref Truststore',
        '  Mapping:',
        '    Type: AWS::ApiGatewayV2::ApiMapping',
        '    Properties:',
        '      ApiId: !Ref Api',
        `      DomainName: !Ref ${mappedName}`,
        '      Stage: $default',
      );
    assert.deepEqual(hits('stack.yaml', quickCreate('DomainNameParam'), 'iac/cfn-apigw-v2-route-no-auth'), []);
    // A mapping to a name the template's domain names do not take is a domain the template does not show.
    assert.deepEqual(hits('stack.yaml', quickCreate('OtherName'), 'iac/cfn-apigw-v2-route-no-auth'), ['iac/cfn-apigw-v2-route-no-auth@14']);
  });

  it('CloudFormation: a SAM REST API with a mutual TLS Domain and the endpoint off in Globals', () => {
    const sam = (disabled: boolean) =>
      lines(
        'Transform: AWS::Serverless-2016-10-31',
        'Globals:',
        '  Api:',
        `    DisableExecuteApiEndpoint: ${disabled}`,
        'Resources:',
        '  Api:',
        '    Type: AWS::Serverless::Api',
        '    Properties:',
        '      StageName: prod',
        '      Domain:',
        '        DomainName: api.example.org',
        '        CertificateArn: !Ref Certificate',
        '        EndpointConfiguration: REGIONAL',
        '        MutualTlsAuthentication:',
        '          TruststoreUri: s3://example-truststore/clients.pem',
        '  Fn:',
        '    Type: AWS::Serverless::Function',
        '    Properties:',
        '      Events:',
        '        List:',
        '          Type: Api',
        '          Properties: { RestApiId: !Ref Api, Path: /items, Method: get }',
      );
    assert.deepEqual(hits('stack.yaml', sam(true), 'iac/cfn-apigw-method-no-auth'), []);
    assert.deepEqual(hits('stack.yaml', sam(false), 'iac/cfn-apigw-method-no-auth'), ['iac/cfn-apigw-method-no-auth@20']);
  });

  it('Terraform: the domain name and its mapping may be in another file of the module', async () => {
    const api = (disabled: boolean) =>
      lines(
        'resource "aws_api_gateway_rest_api" "shop" {',
        '  name                         = "shop"',
        `  disable_execute_api_endpoint = ${disabled}`,
        '}',
        '',
        'resource "aws_api_gateway_method" "orders" {',
        '  rest_api_id   = aws_api_gateway_rest_api.shop.id',
        '  resource_id   = aws_api_gateway_resource.orders.id',
        '  http_method   = "POST"',
        '  authorization = "NONE"',
        '}',
      );
    const found = (disabled: boolean) => treeHits({ 'infra/api.tf': api(disabled), 'infra/domain.tf': tfDomain('aws_api_gateway_rest_api.shop.id', true) }, 'iac/tf-aws-apigw-method-no-auth');
    assert.deepEqual(await found(true), []);
    assert.deepEqual(await found(false), ['infra/api.tf:10']);
  });

  it('Terraform: an HTTP API route, with the domain name and its mapping in another file of the module', async () => {
    const api = (disabled: boolean) =>
      lines(
        'resource "aws_apigatewayv2_api" "shop" {',
        '  name                         = "shop"',
        '  protocol_type                = "HTTP"',
        `  disable_execute_api_endpoint = ${disabled}`,
        '}',
        '',
        'resource "aws_apigatewayv2_route" "orders" {',
        '  api_id    = aws_apigatewayv2_api.shop.id',
        '  route_key = "POST /orders"',
        '}',
      );
    const found = (disabled: boolean, mtls: boolean) => treeHits({ 'infra/api.tf': api(disabled), 'infra/domain.tf': tfDomain('aws_apigatewayv2_api.shop.id', mtls) }, 'iac/tf-aws-apigw-v2-route-no-auth');
    assert.deepEqual(await found(true, true), []);
    assert.deepEqual(await found(false, true), ['infra/api.tf:7']);
    assert.deepEqual(await found(true, false), ['infra/api.tf:7']);
  });

  it('Terraform: the domain name and the mapping take the name from one variable, the truststore from another', () => {
    const quickCreate = (mappedName: string, truststore: string) =>
      lines(
        'variable "domain_name" {}',
        'variable "other_name" {}',
        'variable "truststore_uri" {}',
        '',
        'resource "aws_apigatewayv2_api" "api" {',
        '  name                         = "api"',
        '  protocol_type                = "HTTP"',
        '  target                       = aws_lambda_function.fn.arn',
        '  disable_execute_api_endpoint = true',
        '}',
        '',
        'resource "aws_apigatewayv2_domain_name" "api" {',
        '  domain_name = var.domain_name',
        '  domain_name_configuration {',
        '    certificate_arn = aws_acm_certificate.api.arn',
        '    endpoint_type   = "REGIONAL"',
        '    security_policy = "TLS_1_2"',
        '  }',
        '  mutual_tls_authentication {',
        `    truststore_uri = ${truststore}`,
        '  }',
        '}',
        '',
        'resource "aws_apigatewayv2_api_mapping" "api" {',
        '  api_id      = aws_apigatewayv2_api.api.id',
        `  domain_name = ${mappedName}`,
        '  stage       = "$default"',
        '}',
      );
    const rule = 'iac/tf-aws-apigw-v2-route-no-auth';
    assert.deepEqual(hits('main.tf', quickCreate('var.domain_name', 'var.truststore_uri'), rule), []);
    // A mapping to a name the module's domain names do not take is a domain the module does not show.
    assert.deepEqual(hits('main.tf', quickCreate('var.other_name', 'var.truststore_uri'), rule), [`${rule}@8`]);
    // A known empty truststore asks for no certificate.
    assert.deepEqual(hits('main.tf', quickCreate('var.domain_name', '""'), rule), [`${rule}@8`]);
  });
});
