import { describe, expect, it } from 'vitest';
import { POLL_ANSWER_MAX, pollAnswers, pollAnswerText } from '../../src/bot/poll-answers.ts';

describe('poll answers', () => {
  it('keeps the main title and the year, dropping alternate titles', () => {
    expect(pollAnswerText("Amelie (Fabuleux destin d'Amélie Poulain, Le) (2001)")).toBe('Amelie (2001)');
    expect(pollAnswerText('Matrix, The (1999)')).toBe('The Matrix (1999)');
  });

  it('cuts a long main title at a word, keeping the year, within 55 characters', () => {
    const title =
      'Night of the Day of the Dawn of the Son of the Bride of the Return of the Revenge of the Terror of the Attack of the Evil, Mutant, Alien, Flesh Eating, Hellbound, Zombified Living Dead Part 2 (2005)';
    const text = pollAnswerText(title);
    expect(text.length).toBeLessThanOrEqual(POLL_ANSWER_MAX);
    expect(text).toMatch(/^Night of the Day of the Dawn .*\S… \(2005\)$/);
  });

  it('tells apart answers that would read the same', () => {
    expect(pollAnswers(['Hamlet (1990)', 'Hamlet (1990)', 'Heat (1995)'])).toEqual([
      'Hamlet (1990) #1',
      'Hamlet (1990) #2',
      'Heat (1995)',
    ]);
  });
});
