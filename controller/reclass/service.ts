import type { ReclassServiceHandlers } from '../../common/gen/nephele/v1/ReclassService.js';

/** The catalog's and set policies' RPCs (controller/reclass/classes). */
export type ClassHandlers = Pick<
  ReclassServiceHandlers,
  'DefineClass' | 'ListClasses' | 'DeleteClass' | 'SetReclassPolicy' | 'GetReclassPolicy'
>;
/** Analysis (controller/reclass/analyze). */
export type AnalyzeHandlers = Pick<ReclassServiceHandlers, 'Analyze'>;
/** Recommendations (controller/reclass/recommend). */
export type RecommendHandlers = Pick<
  ReclassServiceHandlers,
  'Recommend' | 'ListRecommendations' | 'GetRecommendation' | 'OfferTargets'
>;
/** Application (controller/reclass/apply). */
export type ApplyHandlers = Pick<ReclassServiceHandlers, 'ApplyRecommendation'>;

/** ReclassService assembled from its parts; the types make a missing RPC a compile error. */
export function reclassHandlers(parts: {
  classes: ClassHandlers;
  analyze: AnalyzeHandlers;
  recommend: RecommendHandlers;
  apply: ApplyHandlers;
}): ReclassServiceHandlers {
  return { ...parts.classes, ...parts.analyze, ...parts.recommend, ...parts.apply };
}
