/** Types for parse-prometheus-text-format (it ships none): what the parser bench and tests read. */
declare module 'parse-prometheus-text-format' {
  interface PromTextSample {
    value?: string;
    labels?: Record<string, string>;
    buckets?: Record<string, string>;
    quantiles?: Record<string, string>;
    count?: string;
    sum?: string;
  }
  interface PromTextFamily {
    name: string;
    help: string;
    type: string;
    metrics: PromTextSample[];
  }
  export default function parsePrometheusTextFormat(text: string): PromTextFamily[];
}
