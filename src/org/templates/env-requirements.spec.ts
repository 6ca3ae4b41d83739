import { parse } from 'yaml';
import { TemplateFieldError } from '../../workspaces/templates/template-fields';
import {
  collectOrgEnv,
  EnvRequirement,
  isSatisfied,
  parseEnvRequirements,
  toEnvJson,
} from './env-requirements';

const single = (name: string): EnvRequirement => ({ kind: 'single', name });
const group = (...names: string[]): EnvRequirement => ({ kind: 'any_of', names });

interface Level {
  requiredEnv?: EnvRequirement[];
  recommendedEnv?: EnvRequirement[];
  children?: Level[];
}
interface Node {
  requiredEnv: EnvRequirement[];
  recommendedEnv: EnvRequirement[];
  children: Node[];
}
const node = (level: Level): Node => ({
  requiredEnv: level.requiredEnv ?? [],
  recommendedEnv: level.recommendedEnv ?? [],
  children: (level.children ?? []).map(node),
});
const template = (top: Level, workspaces: Level[] = []) => ({
  requiredEnv: top.requiredEnv ?? [],
  recommendedEnv: top.recommendedEnv ?? [],
  workspaces: workspaces.map(node),
});
const wire = (tiers: { required: EnvRequirement[]; recommended: EnvRequirement[] }) => ({
  required: tiers.required.map(toEnvJson),
  recommended: tiers.recommended.map(toEnvJson),
});

describe('env requirements', () => {
  it('parses both shapes from YAML', () => {
    const value = parse(
      '- ANTHROPIC_API_KEY\n- any_of: [CLAUDE_CODE_OAUTH_TOKEN, ANTHROPIC_API_KEY]\n',
    );
    expect(parseEnvRequirements(value, 'required_env')).toEqual([
      single('ANTHROPIC_API_KEY'),
      group('CLAUDE_CODE_OAUTH_TOKEN', 'ANTHROPIC_API_KEY'),
    ]);
  });

  it('refuses an empty any_of and other shapes', () => {
    expect(() => parseEnvRequirements([{ any_of: [] }], 'r')).toThrow(
      new TemplateFieldError('env requirement any_of must contain at least one env var'),
    );
    for (const bad of [[42], [{ one_of: ['A'] }], [{ any_of: 'A' }], [['A']]]) {
      expect(() => parseEnvRequirements(bad, 'r')).toThrow(TemplateFieldError);
    }
  });

  it('is satisfied by any member', () => {
    const have = new Set(['B']);
    expect(isSatisfied(single('B'), have)).toBe(true);
    expect(isSatisfied(single('A'), have)).toBe(false);
    expect(isSatisfied(group('A', 'B'), have)).toBe(true);
    expect(isSatisfied(group('A', 'C'), have)).toBe(false);
  });

  describe('collectOrgEnv', () => {
    it('unions every level, sorted, singles before groups', () => {
      const tiers = collectOrgEnv(
        template({ requiredEnv: [single('ZED')] }, [
          {
            requiredEnv: [single('ALPHA'), group('OPENAI_API_KEY', 'OPENROUTER_API_KEY')],
            recommendedEnv: [single('SLACK_TOKEN')],
            children: [{ requiredEnv: [single('MID')], recommendedEnv: [single('GH_TOKEN')] }],
          },
        ]),
      );
      expect(wire(tiers)).toEqual({
        required: ['ALPHA', 'MID', 'ZED', { any_of: ['OPENAI_API_KEY', 'OPENROUTER_API_KEY'] }],
        recommended: ['GH_TOKEN', 'SLACK_TOKEN'],
      });
    });

    it('lets required win over recommended, on the same node too', () => {
      const tiers = collectOrgEnv(
        template({ recommendedEnv: [single('KEY'), group('KEY', 'OTHER')] }, [
          { requiredEnv: [single('KEY')], recommendedEnv: [single('KEY')] },
        ]),
      );
      expect(wire(tiers)).toEqual({ required: ['KEY'], recommended: [] });
    });

    it('deduplicates singles and groups whatever the member order', () => {
      const tiers = collectOrgEnv(
        template({ requiredEnv: [single('A'), single('A'), group('X', 'Y'), group('Y', 'X')] }),
      );
      expect(wire(tiers)).toEqual({ required: ['A', { any_of: ['X', 'Y'] }], recommended: [] });
    });

    it('drops a group holding a single of its own tier', () => {
      const tiers = collectOrgEnv(template({ requiredEnv: [group('A', 'B'), single('A')] }));
      expect(wire(tiers)).toEqual({ required: ['A'], recommended: [] });
    });

    it('filters invalid names, keeping groups as groups', () => {
      const tiers = collectOrgEnv(
        template({
          requiredEnv: [
            single('A'),
            single('lower'),
            single('1BAD'),
            single('VALID_ONE'),
            single('HAS-DASH'),
            group('ok', 'GOOD'),
            group('bad', 'worse'),
          ],
        }),
      );
      expect(wire(tiers)).toEqual({
        required: ['A', 'VALID_ONE', { any_of: ['GOOD'] }],
        recommended: [],
      });
    });

    it('gives empty tiers for an empty template', () => {
      expect(wire(collectOrgEnv(template({})))).toEqual({ required: [], recommended: [] });
    });

    it('keeps the same group in both tiers', () => {
      const tiers = collectOrgEnv(
        template({ requiredEnv: [group('A', 'B')], recommendedEnv: [group('B', 'A')] }),
      );
      expect(wire(tiers)).toEqual({
        required: [{ any_of: ['A', 'B'] }],
        recommended: [{ any_of: ['B', 'A'] }],
      });
    });
  });
});
