// The durable functions the language server finds in a file: workflows, steps, transactions, and step calls.
// Runs in the language server process; plain data with LSP (0-based line/character) ranges.
import type { Range } from 'vscode-languageserver-textdocument';

export type { Range };

/** A function DBOS records as a workflow, with the (name, className) the SDK stores in workflow_status. */
export interface WorkflowDefinition {
  /** `config.name ?? methodName` (decorator) or `config.name ?? fn.name` (registerWorkflow). */
  name: string;
  /** `@DBOS.className` alias, else the class name; `config.className` for registerWorkflow; '' for free functions. */
  className: string;
  /** Instance method on a ConfiguredInstance subclass: runs record a config_name (the instance's name). */
  configurable: boolean;
  /** Where the workflow is declared (decorated method incl. decorators, or the registerWorkflow statement). */
  range: Range;
  /** The function body that runs as the workflow; undefined when the function lives in another file. */
  bodyRange: Range | undefined;
  /** How it was registered. */
  form: 'decorator' | 'registerWorkflow';
  /** False when `name` came from an expression the analyser could not evaluate (then it is the fallback). */
  nameIsStatic: boolean;
}

export type StepKind = 'step' | 'transaction';

/** A function DBOS records as one operation (a row in operation_outputs) when a workflow calls it. */
export interface StepDefinition {
  /** The `function_name` it records: `config.name ?? methodName / fn.name`; '' for an inline anonymous runStep. */
  name: string;
  kind: StepKind;
  /** Declaring class identifier for decorated methods ('' otherwise); step names are NOT class-qualified. */
  className: string;
  /** Method / variable name the code calls it by (`Orders.chargePayment` → 'chargePayment'), if any. */
  localName: string | undefined;
  form: 'decorator' | 'registerStep' | 'runStep' | 'registerTransaction' | 'runTransaction';
  range: Range;
  bodyRange: Range | undefined;
  nameIsStatic: boolean;
}

/** A durable step/transaction call made directly from a workflow body, with the name it records. */
export interface StepCall {
  workflow: WorkflowDefinition;
  /** The recorded name, when the analyser could tell which step this calls. */
  name: string;
  range: Range;
  /** Where a renamed-step quick fix would put `{ name: '…' }` (see renamedSteps.ts). */
  nameEdit: NameEditSite | undefined;
}

/** How to make a step record a given name: replace a name literal, or insert a config. */
export type NameEditSite =
  | { kind: 'replaceLiteral'; range: Range }
  | {
      kind: 'insertConfig';
      position: Range['start'];
      /** text before `{ name: … }`, e.g. ', ' */ prefix: string;
      suffix: string;
    };
