import { driverFacts } from './cuda-requirement';
import { evaluateRequirement, parseCondition } from './requirement';

/** The form of NVIDIA_REQUIRE_CUDA in NVIDIA's CUDA 12.4 images (forward-compatibility branches per brand), shortened. */
const CUDA_12_4 =
  'cuda>=12.4 brand=tesla,driver>=470,driver<471 brand=unknown,driver>=470,driver<471 brand=tesla,driver>=525,driver<526 ' +
  'brand=nvidia,driver>=525,driver<526 brand=tesla,driver>=535,driver<536 brand=geforce,driver>=535,driver<536';

describe('parseCondition (libnvidia-container evaluate_rule)', () => {
  it.each([
    ['cuda>=12.4', { property: 'cuda', comparator: '>=', value: '12.4' }],
    ['CUDA>=12.4', { property: 'cuda', comparator: '>=', value: '12.4' }],
    ['driver<471', { property: 'driver', comparator: '<', value: '471' }],
    ['brand=tesla', { property: 'brand', comparator: '=', value: 'tesla' }],
    ['arch!=7.0', { property: 'arch', comparator: '!=', value: '7.0' }],
    // The operator characters match by prefix, as strncmp does: "!" is taken as "!=".
    ['cuda!12', { property: 'cuda', comparator: '!=', value: '12' }],
  ])('%s', (expression, expected) => {
    expect(parseCondition(expression)).toEqual(expected);
  });

  it.each(['>=12.4', 'cuda', 'cuda>=', 'cuda==12', 'cuda=>12', ''])('refuses %j', (expression) => {
    expect(parseCondition(expression)).toBeUndefined();
  });
});

describe('evaluateRequirement (libnvidia-container dsl_evaluate)', () => {
  const on = (driver: string) => driverFacts(driver);

  it('passes where the driver reports a new enough CUDA version', () => {
    expect(evaluateRequirement(CUDA_12_4, on('550.54.15')).outcome).toBe('satisfied');
    expect(evaluateRequirement(CUDA_12_4, on('560.28.03')).outcome).toBe('satisfied');
  });

  it('passes on an older driver branch one alternative allows (brand cannot be known, so it holds)', () => {
    expect(evaluateRequirement(CUDA_12_4, on('535.104.05')).outcome).toBe('satisfied');
    expect(evaluateRequirement(CUDA_12_4, on('470.82.01')).outcome).toBe('satisfied');
  });

  it('fails between the branches it allows', () => {
    expect(evaluateRequirement(CUDA_12_4, on('545.23.08')).outcome).toBe('unsatisfied');
    expect(evaluateRequirement(CUDA_12_4, on('520.61.05')).outcome).toBe('unsatisfied');
  });

  it('skips empty alternatives and conditions', () => {
    expect(evaluateRequirement('  cuda>=12.0,,driver>=525  ', on('530.30.02')).outcome).toBe('satisfied');
    expect(evaluateRequirement('cuda>=12.4 ,', on('530.30.02')).outcome).toBe('unsatisfied');
  });

  it('is invalid only where the evaluation reaches a bad condition, as in libnvidia-container', () => {
    expect(evaluateRequirement('cuda>=12.4 gpu>=1', on('550.54.15')).outcome).toBe('satisfied');
    expect(evaluateRequirement('cuda>=12.4 gpu>=1', on('535.104.05'))).toEqual({ outcome: 'invalid', expression: 'gpu>=1' });
    expect(evaluateRequirement('brand>tesla', on('550.54.15')).outcome).toBe('invalid');
    expect(evaluateRequirement('cuda>=12.4-rc', on('550.54.15')).outcome).toBe('invalid');
  });

  it('assumes the GPU architecture is fine: no device is known at validation', () => {
    expect(evaluateRequirement('arch>=9.0,cuda>=12.0', on('550.54.15')).outcome).toBe('satisfied');
  });
});
