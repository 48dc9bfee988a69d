/**
 * The scale each deployment's panel follows, kept outside the panel: the card stays when the
 * deployment page is drawn again (Serve restarting the replicas a scale changed, another view
 * and back) until the user dismisses it. Keyed by cluster id and deployment key.
 */
import { create } from 'zustand';

export interface FollowedScale {
  operationId: string;
  version: number;
}

interface ScaleFollows {
  byKey: Record<string, FollowedScale>;
  follow(key: string, scale: FollowedScale | null): void;
}

export const useScaleFollows = create<ScaleFollows>((set) => ({
  byKey: {},
  follow: (key, scale) =>
    set((s) => {
      const byKey = { ...s.byKey };
      if (scale) byKey[key] = scale;
      else delete byKey[key];
      return { byKey };
    }),
}));
