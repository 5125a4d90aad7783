/**
 * ConstructionPlan: a typed, printable description of every block of the model matrices, kept apart
 * from executing it (src/model/execute.ts) so that another engine could execute the same plan.
 * (Placeholder: the model-construction work defines its fields.)
 */
export interface ConstructionPlan {
  formula: string;
}
