/**
 * Word lists for synthetic people and places. Names are common given names and surnames, combined
 * at random so no generated person is anyone real; street stems are invented words, so no
 * generated address is a real one.
 */

export const FEMALE_FIRST_NAMES = [
  'Abbie', 'Aimee', 'Alice', 'Amber', 'Amy', 'Anna', 'Beth', 'Bethany', 'Caitlin', 'Carly', 'Charlotte',
  'Chelsea', 'Chloe', 'Claire', 'Courtney', 'Danielle', 'Donna', 'Eleanor', 'Ellie', 'Emily', 'Emma',
  'Faye', 'Gemma', 'Georgia', 'Grace', 'Hannah', 'Hayley', 'Holly', 'Jade', 'Jasmine', 'Jennifer',
  'Jessica', 'Joanne', 'Julie', 'Karen', 'Katie', 'Kayleigh', 'Kelly', 'Kirsty', 'Laura', 'Lauren',
  'Leanne', 'Lisa', 'Lucy', 'Megan', 'Melissa', 'Michelle', 'Molly', 'Naomi', 'Natalie', 'Nicola',
  'Olivia', 'Paige', 'Rachel', 'Rebecca', 'Samantha', 'Sarah', 'Shannon', 'Sophie', 'Stacey', 'Tanya',
  'Tracey', 'Vicky', 'Zoe', 'Aisha', 'Priya', 'Fatima', 'Agnieszka', 'Roxana', 'Shauna',
] as const

export const MALE_FIRST_NAMES = [
  'Aaron', 'Adam', 'Alex', 'Andrew', 'Ashley', 'Ben', 'Bradley', 'Callum', 'Carl', 'Chris', 'Connor',
  'Craig', 'Daniel', 'Darren', 'Dean', 'Gary', 'Gavin', 'Graham', 'Harry', 'Jack', 'Jake', 'James',
  'Jamie', 'Jason', 'Jordan', 'Josh', 'Karl', 'Kieran', 'Kyle', 'Lee', 'Lewis', 'Liam', 'Luke', 'Mark',
  'Martin', 'Matthew', 'Michael', 'Nathan', 'Neil', 'Paul', 'Reece', 'Richard', 'Robert', 'Ryan', 'Scott',
  'Sean', 'Shane', 'Simon', 'Stephen', 'Steven', 'Stuart', 'Thomas', 'Tom', 'Tony', 'Wayne', 'Imran',
  'Tomasz', 'Marius', 'Declan', 'Owen',
] as const

export const SURNAMES = [
  'Ainsworth', 'Ashworth', 'Bailey', 'Barker', 'Barnes', 'Bell', 'Birch', 'Booth', 'Bradshaw', 'Brooks',
  'Butterworth', 'Carter', 'Clarke', 'Cooper', 'Crossley', 'Dawson', 'Dixon', 'Duckworth', 'Earnshaw',
  'Edwards', 'Fielding', 'Fletcher', 'Foster', 'Gardner', 'Gregson', 'Hall', 'Halliwell', 'Hargreaves',
  'Harrison', 'Heywood', 'Higham', 'Holden', 'Holt', 'Howarth', 'Hughes', 'Jackson', 'Kay', 'Kenyon',
  'Lawson', 'Lomax', 'Marsden', 'Mason', 'Mitchell', 'Nuttall', 'Ormerod', 'Parker', 'Pickup', 'Pilling',
  'Platt', 'Riley', 'Robinson', 'Schofield', 'Sharples', 'Simpson', 'Slater', 'Stott', 'Sutcliffe',
  'Taylor', 'Thornber', 'Turner', 'Walsh', 'Ward', 'Whittaker', 'Wilkinson', 'Worthington', 'Khan',
  'Patel', 'Hussain', 'Kowalski', 'Nowak', 'Popescu', 'Murphy', 'Doyle', 'Kelly',
] as const

// Invented stems: checked against no map, chosen to sound local without naming a real street.
export const STREET_STEMS = [
  'Ambleworth', 'Barrowdene', 'Brackenholme', 'Briarwick', 'Cindermoss', 'Cloudsley', 'Corrowby',
  'Dunlinmere', 'Eskerby', 'Fellgarth', 'Ferncote', 'Gullholme', 'Hallowby', 'Harefold', 'Heatherslack',
  'Kestrelby', 'Kittiwold', 'Lapwingham', 'Larkspire', 'Lindenmoss', 'Marramby', 'Merlinsgate',
  'Mossbeck', 'Nettlecombe', 'Oystergarth', 'Peewitholme', 'Plovermere', 'Quillersby', 'Redshankby',
  'Rushdene', 'Saltcote', 'Saltmarram', 'Samphirby', 'Sandlingham', 'Scaurbrook', 'Seabrinkle',
  'Shinglesby', 'Skerrowby', 'Starlingholme', 'Sunderwick', 'Tarnbeck', 'Teasleholme', 'Thistlegarth',
  'Tidesend', 'Tidewell', 'Turnstoneby', 'Wadersley', 'Whinmoss', 'Whimbrelby', 'Willowslack', 'Wrackholme',
  'Yarrowdene',
] as const

export const STREET_SUFFIXES = [
  'Road', 'Street', 'Avenue', 'Close', 'Drive', 'Terrace', 'Grove', 'Lane', 'Crescent', 'Way', 'Court',
  'Gardens',
] as const
