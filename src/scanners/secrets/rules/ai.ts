import type { Detector } from '../detector.js';
import { looksRandom } from '../checks/entropy.js';
import { prefixed, revoke } from './common.js';

export const aiDetectors: Detector[] = [
  {
    id: 'openai-api-key',
    title: 'OpenAI API key',
    secretType: 'OpenAI API key',
    description: 'An OpenAI API key (sk-, sk-proj-, sk-svcacct-, sk-admin-, all carrying the T3BlbkFJ marker). It runs models on the organization\'s bill and reads its files, assistants and fine-tunes.',
    remediation: revoke('API key', 'platform.openai.com > API keys'),
    severity: 'high',
    confidence: 'high',
    keywords: ['T3BlbkFJ'],
    caseSensitive: true,
    pattern: /(?<![A-Za-z0-9_-])(?<secret>sk-(?:(?:proj|svcacct|admin)-)?[A-Za-z0-9_-]{20,160}T3BlbkFJ[A-Za-z0-9_-]{20,160})(?![A-Za-z0-9_-])/g,
    check: (secret) => looksRandom(secret, 3),
    examples: {
      positive: [
        'OPENAI_API_KEY=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',
        'client = OpenAI(api_key="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")',
      ],
      negative: ['OPENAI_API_KEY=sk-xxxxxxxxxxxxxxxxxxxxT3BlbkFJxxxxxxxxxxxxxxxxxxxx', 'OPENAI_API_KEY=sk-proj-...', 'The marker T3BlbkFJ is base64 for OpenAI.'],
    },
  },
  {
    id: 'anthropic-api-key',
    title: 'Anthropic API key',
    secretType: 'Anthropic API key',
    description: 'An Anthropic API key (sk-ant-api03-, sk-ant-admin01-). It runs Claude models on the organization\'s bill; admin keys also manage members and keys.',
    remediation: revoke('API key', 'console.anthropic.com > Settings > API keys'),
    severity: 'high',
    confidence: 'high',
    keywords: ['sk-ant-'],
    anchor: 'keyword',
    caseSensitive: true,
    pattern: /(?<![A-Za-z0-9_-])(?<secret>sk-ant-(?:api03|admin01)-[A-Za-z0-9_-]{93}AA)(?![A-Za-z0-9_-])/g,
    check: (secret) => looksRandom(secret.slice(14, -2), 3),
    examples: {
      positive: [
        'ANTHROPIC_API_KEY=sk-ant-api03-mpS6_m39PWCOzJNukEh-QoRpiESfpNHp3sgsS1nhGQQJl9B3SlQ8621aax72keb8KzT7qKuwfvB5UyJvlPEcQnq8lCvkJAA',
        'client = anthropic.Anthropic(api_key="sk-ant-api03-huh-uP2vY4PImCXvtDdWabAISnikicJXL8ucLe7qFqtYI6IBwpjZHB6NFoHHXY8cv-tdRHWl6JU4E7rmfMQxjqpa76QoHAA")',
      ],
      negative: ['ANTHROPIC_API_KEY=sk-ant-api03-...', 'ANTHROPIC_API_KEY=sk-ant-api03-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxAA', 'Keys start with sk-ant-.'],
    },
  },
  {
    id: 'huggingface-token',
    title: 'Hugging Face access token',
    secretType: 'Hugging Face token',
    description: 'A Hugging Face user or organization access token (hf_, api_org_). Write tokens push models and datasets others download and load, a supply-chain risk; read tokens expose private repositories.',
    remediation: revoke('token', 'huggingface.co > Settings > Access Tokens'),
    severity: 'high',
    confidence: 'high',
    keywords: ['hf_', 'api_org_'],
    anchor: 'keyword',
    caseSensitive: true,
    pattern: /(?<![A-Za-z0-9_-])(?<secret>(?:hf_|api_org_)[A-Za-z]{34})(?![A-Za-z0-9_-])/g,
    check: (secret) => /[a-z]/.test(secret.slice(3)) && /[A-Z]/.test(secret.slice(3)) && looksRandom(secret.slice(secret.lastIndexOf('_') + 1), 2, 3.8),
    examples: {
      positive: ['HF_TOKEN=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', 'login(token="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")'],
      negative: ['HF_TOKEN=hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'def hf_load_dataset_from_the_hub_in_stream(): pass', 'HF_TOKEN=hf_...'],
    },
  },
  {
    id: 'groq-api-key',
    title: 'Groq API key',
    secretType: 'Groq API key',
    description: 'A Groq API key (gsk_). It runs models on the account\'s bill and quota.',
    remediation: revoke('API key', 'console.groq.com > API Keys'),
    severity: 'medium',
    confidence: 'high',
    keywords: ['gsk_'],
    anchor: 'keyword',
    caseSensitive: true,
    pattern: prefixed('gsk_', '[A-Za-z0-9]{52}'),
    check: (secret) => looksRandom(secret.slice(4), 3),
    examples: {
      positive: ['GROQ_API_KEY=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', 'Groq(api_key="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")'],
      negative: ['GROQ_API_KEY=gsk_...', 'GROQ_API_KEY=gsk_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'gsk_prefix = "gsk_"'],
    },
  },
];
