/**
 * Built-in name lists for the demo organisation: a mix of common given and family
 * names from the regions where the fictional company has offices. Invented people only.
 */
export const FIRST_NAMES: readonly string[] = [
  "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth",
  "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Charles", "Karen",
  "Christopher", "Lisa", "Daniel", "Nancy", "Matthew", "Betty", "Anthony", "Sandra", "Mark", "Margaret",
  "Steven", "Ashley", "Paul", "Kimberly", "Andrew", "Emily", "Joshua", "Donna", "Kevin", "Michelle",
  "Brian", "Carol", "George", "Amanda", "Timothy", "Melissa", "Ryan", "Deborah", "Jacob", "Stephanie",
  "Nicholas", "Rebecca", "Eric", "Laura", "Jonathan", "Sharon", "Justin", "Cynthia", "Brandon", "Kathleen",
  "Samuel", "Amy", "Benjamin", "Angela", "Gregory", "Anna", "Alexander", "Ruth", "Patrick", "Brenda",
  "Tyler", "Pamela", "Aaron", "Nicole", "Nathan", "Katherine", "Zachary", "Samantha", "Kyle", "Christine",
  "Noah", "Emma", "Ethan", "Olivia", "Liam", "Sophia", "Mason", "Ava", "Lucas", "Isabella",
  "Oliver", "Mia", "Elijah", "Charlotte", "Logan", "Amelia", "Aiden", "Harper", "Carlos", "Sofia",
  "Diego", "Valentina", "Mateo", "Camila", "Javier", "Lucia", "Miguel", "Elena", "Alejandro", "Gabriela",
  "Wei", "Mei", "Jun", "Lin", "Hiroshi", "Yuki", "Kenji", "Sakura", "Min-jun", "Ji-woo",
  "Arjun", "Priya", "Rahul", "Ananya", "Vikram", "Divya", "Rohan", "Kavya", "Aditya", "Sneha",
  "Mohammed", "Fatima", "Omar", "Aisha", "Ali", "Layla", "Hassan", "Zainab", "Yusuf", "Mariam",
  "Lukas", "Hannah", "Felix", "Lena", "Jonas", "Lea", "Maximilian", "Clara", "Niklas", "Marie",
  "Oscar", "Freya", "Harry", "Isla", "Jack", "Poppy", "Alfie", "Evie", "Callum", "Niamh",
  "Kwame", "Amara", "Chidi", "Ngozi", "Tunde", "Adaeze", "Kofi", "Zola", "Thabo", "Nia",
  "Pierre", "Chloe", "Louis", "Manon", "Hugo", "Ines", "Mateus", "Beatriz", "Tomasz", "Zofia",
];

export const LAST_NAMES: readonly string[] = [
  "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
  "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
  "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson",
  "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores",
  "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "Roberts",
  "Gomez", "Phillips", "Evans", "Turner", "Diaz", "Parker", "Cruz", "Edwards", "Collins", "Reyes",
  "Stewart", "Morris", "Morales", "Murphy", "Cook", "Rogers", "Gutierrez", "Ortiz", "Morgan", "Cooper",
  "Peterson", "Bailey", "Reed", "Kelly", "Howard", "Ramos", "Kim", "Cox", "Ward", "Richardson",
  "Watson", "Brooks", "Chavez", "Wood", "James", "Bennett", "Gray", "Mendoza", "Ruiz", "Hughes",
  "Price", "Alvarez", "Castillo", "Sanders", "Patel", "Myers", "Long", "Ross", "Foster", "Jimenez",
  "Powell", "Jenkins", "Perry", "Russell", "Sullivan", "Bell", "Coleman", "Butler", "Henderson", "Barnes",
  "Chen", "Wang", "Li", "Zhang", "Liu", "Yang", "Huang", "Zhao", "Wu", "Zhou",
  "Tanaka", "Suzuki", "Takahashi", "Watanabe", "Ito", "Yamamoto", "Nakamura", "Kobayashi", "Park", "Choi",
  "Sharma", "Singh", "Kumar", "Gupta", "Reddy", "Iyer", "Nair", "Mehta", "Joshi", "Rao",
  "Khan", "Ahmed", "Hussain", "Rahman", "Hassan", "Ibrahim", "Malik", "Aziz", "Karimi", "Haddad",
  "Muller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann",
  "O'Brien", "O'Connor", "Byrne", "Walsh", "Ryan", "Doyle", "McCarthy", "Kennedy", "Lynch", "Murray",
  "Okafor", "Mensah", "Adeyemi", "Okoye", "Boateng", "Nkosi", "Dlamini", "Mwangi", "Kamau", "Diallo",
  "Dubois", "Lefebvre", "Moreau", "Laurent", "Rossi", "Russo", "Ferrari", "Silva", "Santos", "Kowalski",
  "Nowak", "Novak", "Horvat", "Jensen", "Hansen", "Larsen", "Andersson", "Johansson", "Virtanen", "Costa",
];
