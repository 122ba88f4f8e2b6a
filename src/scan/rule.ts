// What a rule returns before the file name, the hint and suppressions are attached.
import type {RuleId, Severity} from './types.js';

export interface RawFinding {
  rule: RuleId;
  line: number;
  column: number;
  message: string;
  severity: Severity;
  /** The object's `kind:` line: an allow comment there covers every finding in the object. */
  anchorLine?: number;
  /** Last line of the flagged value (to avoid reporting a key inside it a second time). */
  endLine?: number;
}
