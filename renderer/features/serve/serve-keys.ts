/** The Serve feature's react-query keys, in one place (every query and invalidation uses these). */
export const serveKeys = {
  all: ['serve'] as const,
  status: (clusterId: string) => ['serve', 'status', clusterId] as const,
  history: (clusterId: string) => ['serve', 'history', clusterId] as const,
  version: (clusterId: string, version: number) =>
    ['serve', 'version', clusterId, version] as const,
  validate: (text: string) => ['serve', 'validate', text] as const,
};
