/** jest setupFilesAfterEach: a test during which a response broke the document fails. */
import { takeContractProblems } from './response-contract';

afterEach(() => {
  const problems = takeContractProblems();
  if (problems.length) throw new Error(`responses the OpenAPI document does not describe:\n${problems.join('\n')}`);
});
