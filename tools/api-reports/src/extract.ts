import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Extractor, ExtractorConfig, ExtractorLogLevel, type IConfigFile } from '@microsoft/api-extractor';
import type { Entry } from './entries.js';

/** What one run of api-extractor over an entry found. */
export interface ReportOutcome {
  readonly specifier: string;
  /** The committed report, relative to the package: `api/<name>`. */
  readonly report: string;
  /** True when the committed report differs from the entry's declarations (or is missing). */
  readonly changed: boolean;
  /** api-extractor's errors (a broken declaration file, say), not the findings it writes into the report. */
  readonly errors: readonly string[];
}

/**
 * Runs api-extractor over one entry. `update` writes the report into the package's `api/` folder; otherwise the
 * committed report is compared, and `changed` says whether it still describes the entry.
 */
export function extractReport(entry: Entry, update: boolean): ReportOutcome {
  const scratch = mkdtempSync(join(tmpdir(), 'rampart-api-'));
  const errors: string[] = [];
  if (update) mkdirSync(join(entry.packageDir, 'api'), { recursive: true });
  try {
    const configObject: IConfigFile = {
      projectFolder: entry.packageDir,
      mainEntryPointFilePath: entry.declarations,
      compiler: { overrideTsconfig: { compilerOptions: { skipLibCheck: true, types: ['node'], lib: ['es2023'] } } },
      apiReport: {
        enabled: true,
        reportFileName: entry.reportName,
        reportFolder: join(entry.packageDir, 'api'),
        reportTempFolder: scratch,
        includeForgottenExports: false,
      },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      newlineKind: 'lf',
      messages: {
        // Findings go into the report, where review sees them, instead of failing the run: a public type that
        // names a type the entry does not export shows as `ae-forgotten-export` next to it.
        compilerMessageReporting: { default: { logLevel: ExtractorLogLevel.Warning, addToApiReportFile: true } },
        extractorMessageReporting: {
          default: { logLevel: ExtractorLogLevel.Warning, addToApiReportFile: true },
          'ae-missing-release-tag': { logLevel: ExtractorLogLevel.None, addToApiReportFile: false },
          // Off: it lists every undocumented member with its source line, so any edit above one churned the report.
          // TSDoc on the exports is checked in review and by the docs-examples; the report records the surface.
          'ae-undocumented': { logLevel: ExtractorLogLevel.None, addToApiReportFile: false },
          // An `internal` entry makes no promise and names the main entry's types without re-exporting them; the
          // main entry's own report still flags a type it names but does not export.
          ...(isInternal(entry) ? { 'ae-forgotten-export': { logLevel: ExtractorLogLevel.None, addToApiReportFile: false } } : {}),
        },
        tsdocMessageReporting: { default: { logLevel: ExtractorLogLevel.None, addToApiReportFile: false } },
      },
    };
    const config = ExtractorConfig.prepare({
      configObject,
      configObjectFullPath: join(entry.packageDir, 'api-extractor.json'),
      packageJsonFullPath: join(entry.packageDir, 'package.json'),
    });
    const result = Extractor.invoke(config, {
      localBuild: update,
      showVerboseMessages: false,
      messageCallback: (message) => {
        if (message.logLevel === ExtractorLogLevel.Error) errors.push(message.text);
        message.handled = true;
      },
    });
    return {
      specifier: entry.specifier,
      report: `api/${entry.reportName}`,
      changed: result.apiReportChanged,
      errors,
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** True for an `internal` subpath (`@rampart/core/internal`), which makes no compatibility promise. */
function isInternal(entry: Entry): boolean {
  return entry.specifier.endsWith('/internal');
}
